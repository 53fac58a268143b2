from django.contrib.auth import views as auth_views
from django.urls import path

from scalper.dashboard import views

urlpatterns = [
    path("", views.root, name="root"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="dashboard/sign_in.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
