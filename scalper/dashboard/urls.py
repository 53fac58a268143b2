from django.contrib.auth import views as auth_views
from django.urls import path

from scalper.dashboard import views

urlpatterns = [
    path("", views.root, name="root"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
