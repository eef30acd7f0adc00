from django.db import models
from django.utils.translation import gettext_lazy as _

from tusoi.orgs.tree import SEGMENT_WIDTH


class OrgKind(models.Model):
    """A kind of party organisation (tỉnh ủy, đảng ủy, chi bộ …); levels are data, never code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_cell = models.BooleanField(
        _("is a cell"),
        default=False,
        help_text=_("Members belong to cells, and cells hold the thematic meetings."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organisation kind")
        verbose_name_plural = _("organisation kinds")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A node of the party tree, stored as a materialised path of fixed-width digit segments.

    `path` is the parent's path plus this node's own segment; a subtree is one indexed range
    scan (path >= p AND path < successor(p)), an ancestor list is `path IN (prefixes)`.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.ForeignKey(
        OrgKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="organizations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    # Last segment handed to a child; segments are never reused, so paths stay unique.
    child_counter = models.PositiveIntegerField(default=0, editable=False)
    name_key = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name_key"], name="org_children_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth__gte=0),
                name="org_depth_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(depth=0),
                name="org_root_has_depth_zero",
                violation_error_message=_("Only a root organisation may have no parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind.is_cell

    @property
    def segment(self) -> str:
        return self.path[-SEGMENT_WIDTH:]
