from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("me/about/<int:pk>/", views.AboutMeView.as_view(), name="about_me"),
    path("me/about/<int:pk>/private/", views.PrivateNotesEditView.as_view(), name="edit_private"),
    path("me/about/<int:pk>/who-looked/", views.AccessLogView.as_view(), name="access_log"),
    path("me/about/<int:pk>/contact/", views.ContactEditView.as_view(), name="edit_contact"),
    path(
        "me/about/<int:pk>/communication/",
        views.CommunicationEditView.as_view(),
        name="edit_communication",
    ),
    path("me/about/<int:pk>/naming/", views.CreditEditView.as_view(), name="edit_credit"),
    path("me/about/<int:pk>/what-i-bring/", views.AssetsEditView.as_view(), name="edit_assets"),
    path("me/about/<int:pk>/consent/", views.ConsentView.as_view(), name="consent"),
    path(
        "me/about/<int:pk>/consent/change/",
        views.ConsentChangeView.as_view(),
        name="consent_change",
    ),
    path("me/projects/<int:pk>/break/", views.TakeBreakView.as_view(), name="take_break"),
    path("me/projects/<int:pk>/come-back/", views.ComeBackView.as_view(), name="come_back"),
    path("me/about/<int:pk>/my-data/", views.MyDataView.as_view(), name="my_data"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/invite/", views.InviteView.as_view(), name="invite"),
    path("people/roles/", views.RoleCatalogueView.as_view(), name="roles"),
    path(
        "people/memberships/<int:pk>/",
        views.MembershipEditView.as_view(),
        name="membership_edit",
    ),
    path("people/add/", views.AddOnBehalfView.as_view(), name="add_on_behalf"),
    path("join/", views.JoinView.as_view(), name="join"),
    path("join/<str:token>/", views.AcceptView.as_view(), name="accept"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path("people/<int:pk>/new-code/", views.InvitationRenewView.as_view(), name="invitation_renew"),
    path("people/<int:pk>/for/contact/", views.ContactForView.as_view(), name="contact_for"),
    path(
        "people/<int:pk>/for/communication/",
        views.CommunicationForView.as_view(),
        name="communication_for",
    ),
    path("people/<int:pk>/for/what-they-bring/", views.AssetsForView.as_view(), name="assets_for"),
    path("people/<int:pk>/for/private/", views.PrivateNotesForView.as_view(), name="private_for"),
    path("people/<int:pk>/for/consent/", views.ConsentForView.as_view(), name="consent_for"),
    path(
        "people/<int:pk>/for/consent/change/",
        views.ConsentChangeForView.as_view(),
        name="consent_change_for",
    ),
    path("people/<int:pk>/data.<str:fmt>", views.DataExportView.as_view(), name="export"),
    path(
        "people/<int:pk>/data/on-request/",
        views.DataExportOnRequestView.as_view(),
        name="export_on_request",
    ),
    path("people/<int:pk>/erase/", views.EraseView.as_view(), name="erase"),
]
