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

# Files at the top of the dashboard's build (favicon.ico); matched after every other path.
build_file_urlpatterns = [path("<str:name>", views.build_file)]
