"""“Which model fits us?”: four answers in, one organisational model (and runner-ups) out.

The rules are deterministic and checked in this order; the first that matches wins.
They follow the “fits when” column of DOMAIN.md (governance.model_types.MODEL_TYPES).

| # | answers                                           | recommendation                         |
|---|---------------------------------------------------|----------------------------------------|
| 1 | many brands or business units                     | multiple hub and spoke                 |
| 2 | regulated industry, still experimenting           | centralized                            |
| 3 | regulated industry, established or mature         | hub and spoke, with a legal lane       |
| 4 | only official spokespeople speak for the company  | centralized                            |
| 5 | mature, and every employee may speak              | holistic                               |
| 6 | experimenting (not regulated, not official-only)  | decentralized, hub and spoke next      |
| 7 | anything else                                     | hub and spoke (the talk's default)     |

Why this order: brand structure decides the shape first (several hubs need a
coordinating centre whatever else holds); regulation decides how much control the
centre keeps; only then does the company's openness (who may speak, maturity) move it
towards the edges (decentralized) or the whole workforce (holistic). Each result names
one or two runner-ups with the reason they come close.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.model_types import MODEL_TYPES
from governance.models import ModelType


class Brands(models.TextChoices):
    ONE = "one", gettext_lazy("One")
    FEW = "few", gettext_lazy("A few (two to four)")
    MANY = "many", gettext_lazy("Many (five or more)")


class Maturity(models.TextChoices):
    EXPERIMENTING = "experimenting", gettext_lazy("Experimenting: first channels, no common plan yet")
    ESTABLISHED = "established", gettext_lazy("Established: several teams run channels with some shared rules")
    MATURE = "mature", gettext_lazy("Mature: social media is part of how every discipline works")


class Voice(models.TextChoices):
    SPOKESPEOPLE = "spokespeople", gettext_lazy("Only official spokespeople")
    TRAINED = "trained", gettext_lazy("Employees who have been trained")
    EVERYONE = "everyone", gettext_lazy("Every employee, within our guidelines")


@dataclass(frozen=True)
class Alternative:
    """A runner-up: a model that comes close, and why."""

    type: str
    reason: str

    @property
    def info(self):
        return MODEL_TYPES[self.type]


@dataclass
class Recommendation:
    type: str
    rule: int  # the number of the rule that matched (see the module docstring)
    reasons: list  # why, quoting the answers and what DOMAIN.md says the model fits
    note: str = ""  # how to adapt the model to the answers (the legal lane, say)
    runner_ups: list = field(default_factory=list)  # Alternative, one or two

    @property
    def info(self):
        return MODEL_TYPES[self.type]


def _quote(model_type):
    """What DOMAIN.md says the model fits and does well, as two reasons."""
    info = MODEL_TYPES[model_type]
    return [
        _("It fits when: “%(fits_when)s”") % {"fits_when": info.fits_when},
        _("Its strengths: “%(strengths)s”") % {"strengths": info.strengths},
    ]


def recommend(*, regulated, brands, maturity, voice):
    """The model that fits these answers (rules in the module docstring)."""
    everyone_mature = maturity == Maturity.MATURE and voice == Voice.EVERYONE
    hub_and_spoke_next = Alternative(
        ModelType.HUB_AND_SPOKE,
        _(
            "The next step once efforts need coordinating: a centre of excellence gives the disciplines "
            "strategy, guidelines, training and shared monitoring, and they keep acting themselves."
        ),
    )

    if brands == Brands.MANY:
        runner_ups = [
            Alternative(
                ModelType.HUB_AND_SPOKE,
                _("If your brands can share one centre of excellence, one hub is simpler to run."),
            )
        ]
        if regulated:
            runner_ups.append(
                Alternative(
                    ModelType.CENTRALIZED, _("If regulators watch every brand closely, one unit keeps control.")
                )
            )
        elif everyone_mature:
            runner_ups.append(
                Alternative(ModelType.HOLISTIC, _("Your whole workforce is ready to take part across the brands."))
            )
        return Recommendation(
            ModelType.MULTIPLE_HUB_AND_SPOKE,
            1,
            [
                _("You run many brands or business units: each needs a hub of its own, tied together by a centre."),
                *_quote(ModelType.MULTIPLE_HUB_AND_SPOKE),
            ],
            runner_ups=runner_ups,
        )

    if regulated and maturity == Maturity.EXPERIMENTING:
        return Recommendation(
            ModelType.CENTRALIZED,
            2,
            [
                _("You work in a regulated industry and are still experimenting: keep every account in one unit."),
                *_quote(ModelType.CENTRALIZED),
            ],
            runner_ups=[
                Alternative(
                    ModelType.HUB_AND_SPOKE,
                    _(
                        "The next step once the central team drowns in requests: let the disciplines act "
                        "themselves, with a legal lane for regulated content."
                    ),
                )
            ],
        )

    if regulated:
        runner_ups = [
            Alternative(
                ModelType.CENTRALIZED,
                _("If every post must come from one unit, for instance because regulators demand it."),
            )
        ]
        if brands == Brands.FEW:
            runner_ups.append(
                Alternative(ModelType.MULTIPLE_HUB_AND_SPOKE, _("If your brands need a hub each as they grow."))
            )
        return Recommendation(
            ModelType.HUB_AND_SPOKE,
            3,
            [
                _(
                    "You work in a regulated industry, and your social media is established: the disciplines can "
                    "act themselves as long as regulated content goes through an approval path."
                ),
                *_quote(ModelType.HUB_AND_SPOKE),
            ],
            note=_(
                "Add a legal lane: an approval path in which Legal / Compliance checks regulated content before "
                "it goes out, next to a fast lane for service replies."
            ),
            runner_ups=runner_ups,
        )

    if voice == Voice.SPOKESPEOPLE:
        return Recommendation(
            ModelType.CENTRALIZED,
            4,
            [
                _("Only official spokespeople speak for your company: one unit decides and runs all accounts."),
                *_quote(ModelType.CENTRALIZED),
            ],
            runner_ups=[
                Alternative(
                    ModelType.HUB_AND_SPOKE,
                    _(
                        "Once you train employees in the disciplines to speak, the central team can enable them "
                        "instead of answering every request itself."
                    ),
                )
            ],
        )

    if everyone_mature:
        return Recommendation(
            ModelType.HOLISTIC,
            5,
            [
                _("Your social media is mature and every employee may speak for the company."),
                *_quote(ModelType.HOLISTIC),
            ],
            runner_ups=[
                Alternative(
                    ModelType.HUB_AND_SPOKE,
                    _("If management is not ready to let go: a centre of excellence keeps the frame."),
                )
            ],
        )

    if maturity == Maturity.EXPERIMENTING:
        return Recommendation(
            ModelType.DECENTRALIZED,
            6,
            [
                _("You are still experimenting, and nothing obliges you to centralize yet."),
                *_quote(ModelType.DECENTRALIZED),
            ],
            note=_(
                "Plan the move to hub and spoke early: the longer units grow unaware of each other, "
                "the harder they are to bring together."
            ),
            runner_ups=[hub_and_spoke_next],
        )

    runner_ups = []
    if brands == Brands.FEW:
        runner_ups.append(
            Alternative(ModelType.MULTIPLE_HUB_AND_SPOKE, _("If your brands or business units need a hub each."))
        )
    if voice == Voice.EVERYONE or maturity == Maturity.MATURE:
        runner_ups.append(Alternative(ModelType.HOLISTIC, _("As your culture matures, every employee can take part.")))
    if not runner_ups:
        runner_ups.append(
            Alternative(ModelType.CENTRALIZED, _("If you need tighter control than shared guidelines give you."))
        )
    return Recommendation(
        ModelType.HUB_AND_SPOKE,
        7,
        [
            _(
                "Your social media has grown past first experiments, and more people than official spokespeople "
                "take part: a centre of excellence enables the disciplines, which act themselves."
            ),
            *_quote(ModelType.HUB_AND_SPOKE),
        ],
        runner_ups=runner_ups,
    )
