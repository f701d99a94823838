"""Mail for development: each message is written to a file (one file per
connection) and announced in one log line.

`make run` (DEBUG without EMAIL_HOST) uses this instead of printing whole messages to the
console, so the start stays readable; the files in var/mail/ hold what would have been sent.
"""

import logging

from django.core.mail.backends.filebased import EmailBackend

logger = logging.getLogger(__name__)


class FileEmailBackend(EmailBackend):
    def write_message(self, message):
        super().write_message(message)
        logger.info("Mail to %s: %s", ", ".join(message.recipients()), message.subject)
