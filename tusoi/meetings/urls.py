from django.urls import path

from tusoi.meetings.views import record, registration

app_name = "meetings"
urlpatterns = [
    # Registration, changes, the committee's calendar and lists, supervisors
    path("campaign/<int:campaign_pk>/", registration.overview, name="overview"),
    path("campaign/<int:campaign_pk>/calendar/", registration.calendar, name="calendar"),
    path(
        "campaign/<int:campaign_pk>/cell/<int:org_pk>/register/",
        registration.register,
        name="register",
    ),
    path("<int:pk>/", registration.detail, name="detail"),
    path("<int:pk>/change/", registration.change, name="change"),
    path("<int:pk>/notes/", registration.visit_note, name="visit_note"),
    path("supervision/", registration.my_assignments, name="my_assignments"),
    # The live record, minutes, what members get back
    path("<int:pk>/record/", record.record, name="record"),
    path("<int:pk>/record/phase/<int:number>/", record.record_phase, name="record_phase"),
    path("<int:pk>/minutes.docx", record.minutes_docx, name="minutes_docx"),
    path("<int:pk>/signed/", record.signed_minutes, name="signed_minutes"),
    path("<int:pk>/signed/download/", record.signed_minutes_download, name="signed_download"),
    path(
        "feedback/<int:report_pk>/commitment/<int:comment_pk>/",
        record.comment_to_commitment,
        name="comment_to_commitment",
    ),
]
