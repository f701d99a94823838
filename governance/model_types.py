"""What DOMAIN.md says about each organisational model, shown where a lead chooses one."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from governance.models import ModelType


@dataclass(frozen=True)
class ModelTypeInfo:
    type: str
    structure: str
    strengths: str
    weaknesses: str
    fits_when: str
    share_2012: int  # Altimeter survey of companies with more than 1,000 employees, %

    @property
    def label(self):
        return ModelType(self.type).label


MODEL_TYPES = {
    ModelType.DECENTRALIZED: ModelTypeInfo(
        ModelType.DECENTRALIZED,
        _("Efforts grow at the edges of the company; nobody owns social media."),
        _("Authentic, close to products and customers."),
        _("Inconsistent to customers, units unaware of each other, tools bought twice."),
        _("An early, experimental phase."),
        9,
    ),
    ModelType.CENTRALIZED: ModelTypeInfo(
        ModelType.CENTRALIZED,
        _("One unit, often corporate communications, decides and runs all accounts."),
        _("Consistent, controlled, efficient."),
        _("Slow, little autonomy for units, less authentic; the central team drowns in requests."),
        _("Regulated or closely watched brands."),
        29,
    ),
    ModelType.HUB_AND_SPOKE: ModelTypeInfo(
        ModelType.HUB_AND_SPOKE,
        _(
            "A cross-functional centre of excellence (the hub) enables the disciplines and units (the spokes) "
            "with strategy, policy, training, tools and shared monitoring; the spokes act themselves."
        ),
        _("One experience for customers, shared resources, the hub sees everything."),
        _("Needs executive sponsorship, programme management and buy-in; it costs."),
        _(
            "Most large companies: the hub gives one voice, shared tools and know-how, while the disciplines "
            "stay close to their customers and act themselves."
        ),
        35,
    ),
    ModelType.MULTIPLE_HUB_AND_SPOKE: ModelTypeInfo(
        ModelType.MULTIPLE_HUB_AND_SPOKE,
        _(
            "Several semi-autonomous hubs (business units, brands, regions), each with spokes, "
            "tied together by a coordinating centre."
        ),
        _("Autonomy for units within a shared frame."),
        _("Lots of internal coordination; links between hubs can break."),
        _("Multinationals with many brands or product lines."),
        24,
    ),
    ModelType.HOLISTIC: ModelTypeInfo(
        ModelType.HOLISTIC,
        _("Every employee may take part, in an organised and consistent way."),
        _("Uses the whole workforce."),
        _("Management must let go; heavy training and culture work."),
        _("Mature organisations with a strong culture."),
        2,
    ),
}
