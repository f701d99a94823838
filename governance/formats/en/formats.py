# One date style for English everywhere (pages, e-mails, timelines): "1 Dec 2026" and
# "1 Dec 2026, 21:32". Django's own short and long styles ("12/01/2026", "Dec. 1, 2026",
# "9:32 p.m.") used to meet on one page; the long and short names now give the same text.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
