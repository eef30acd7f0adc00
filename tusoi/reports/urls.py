from django.urls import path

from tusoi.reports.views import cell, copies, editor, files
from tusoi.reports.views import templates as views

app_name = "reports"
urlpatterns = [
    # Reference lists and templates
    path("reference/", views.reference_lists, name="reference_lists"),
    path("reference/<int:pk>/", views.reference_list, name="reference_list"),
    path("campaign/<int:campaign_pk>/templates/", views.templates, name="templates"),
    path(
        "campaign/<int:campaign_pk>/templates/defaults/",
        views.templates_create_defaults,
        name="templates_defaults",
    ),
    path("templates/<int:pk>/", views.template, name="template"),
    path("templates/<int:pk>/derive/", views.template_derive_view, name="template_derive"),
    path("templates/<int:pk>/print/", views.template_print, name="template_print"),
    path("templates/<int:pk>/sections/<slug:key>/", views.section_edit, name="section_edit"),
    # The writer: "Báo cáo của tôi", the editor, revisions
    path("my/", editor.mine, name="mine"),
    path("my/<int:campaign_pk>/", editor.mine_open, name="mine_open"),
    path("r/<int:pk>/", editor.report, name="report"),
    path("r/<int:pk>/save/", editor.report_save_view, name="report_save"),
    path("r/<int:pk>/submit/", editor.report_submit_view, name="report_submit"),
    path("r/<int:pk>/revisions/", editor.revisions, name="report_revisions"),
    path("r/<int:pk>/revisions/<int:number>/", editor.revision, name="report_revision"),
    path(
        "r/<int:pk>/revisions/<int:number>/restore/",
        editor.revision_restore,
        name="report_restore",
    ),
    # Files: .docx upload, scans of handwritten reports, exports
    path("r/<int:pk>/upload/", files.report_upload, name="report_upload"),
    path("r/<int:pk>/scan/", files.report_scan, name="report_scan"),
    path("r/<int:pk>/original/", files.report_original, name="report_original"),
    path("r/<int:pk>/docx/", files.report_docx, name="report_docx"),
    path("r/<int:pk>/pdf/", files.report_pdf, name="report_pdf"),
    # The cell: states, review, proxy entry, reminders, commitments
    path("r/<int:pk>/return/", cell.report_return_view, name="report_return"),
    path("r/<int:pk>/accept/", cell.report_accept_view, name="report_accept"),
    path("r/<int:pk>/confirm/", cell.report_confirm_view, name="report_confirm"),
    path("campaign/<int:campaign_pk>/cell/<int:org_pk>/", cell.cell_reports, name="cell_reports"),
    path(
        "campaign/<int:campaign_pk>/cell/<int:org_pk>/remind/",
        cell.cell_remind,
        name="cell_remind",
    ),
    path(
        "campaign/<int:campaign_pk>/member/<int:member_pk>/proxy/",
        cell.proxy_open,
        name="proxy_open",
    ),
    path("commitments/", cell.commitments_mine, name="commitments_mine"),
    path("commitments/<int:pk>/progress/", cell.commitment_progress, name="commitment_progress"),
    path("cell/<int:org_pk>/commitments/", cell.cell_commitments, name="cell_commitments"),
]

# Copy detection: the side-by-side view (?with=<report id> or ?with=template) and the issuing
# committee's re-check of a whole campaign.
urlpatterns += [
    path("r/<int:pk>/compare/", copies.copy_compare, name="copy_compare"),
    path("campaign/<int:campaign_pk>/copies/recheck/", copies.copy_recheck, name="copy_recheck"),
]
