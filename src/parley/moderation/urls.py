"""Moderator pages under /moderate/ and sign-in under /accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from parley.moderation import account_views, dashboard_views, people_views, site_views, views

app_name = "moderation"
urlpatterns = [
    path("moderate/", views.queue, name="queue"),
    path("moderate/poll/", views.poll, name="poll"),
    path("moderate/bulk/", views.bulk_action, name="bulk"),
    path("moderate/audit/", views.audit_log, name="audit_log"),
    path("moderate/dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("moderate/comments/<id:comment_id>/", views.comment_detail, name="comment"),
    path("moderate/comments/<id:comment_id>/<slug:action>/", views.comment_action,
         name="comment_action"),
    path("moderate/stories/<id:story_id>/settings/", site_views.story_settings,
         name="story_settings"),
    path("moderate/sites/", site_views.sites_index, name="sites"),
    path("moderate/new-site/", site_views.create_site, name="create_site"),
    path("moderate/sites/<slug:site_slug>/", views.queue, name="site_queue"),
    path("moderate/sites/<slug:site_slug>/setup/", site_views.site_setup, name="site_setup"),
    path("moderate/sites/<slug:site_slug>/setup/origins/", site_views.site_origins,
         name="site_origins"),
    path("moderate/sites/<slug:site_slug>/setup/key/", site_views.site_key, name="site_key"),
    path("moderate/sites/<slug:site_slug>/setup/faq/", site_views.site_faq, name="site_faq"),
    path("moderate/sites/<slug:site_slug>/poll/", views.poll, name="site_poll"),
    path("moderate/sites/<slug:site_slug>/rules/", site_views.site_rules, name="site_rules"),
    path("moderate/sites/<slug:site_slug>/policy/", site_views.site_policy, name="site_policy"),
    path("moderate/sites/<slug:site_slug>/people/", people_views.people, name="people"),
    path("moderate/sites/<slug:site_slug>/people/export/", people_views.people_export,
         name="people_export"),
    path("moderate/sites/<slug:site_slug>/people/erase/", people_views.people_erase,
         name="people_erase"),
    path("moderate/sites/<slug:site_slug>/webhooks/", site_views.add_webhook, name="add_webhook"),
    path("moderate/webhooks/<id:endpoint_id>/toggle/", site_views.toggle_webhook,
         name="toggle_webhook"),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/accounts/login/"),
         name="logout"),
    path("accounts/sso/", account_views.sso_login, name="sso_login"),
]
