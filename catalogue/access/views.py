"""The project admin page (`/project-admin/`): members, roles, open or restricted.

Project admins (and staff) manage their projects here without the Wagtail
admin. A project hidden from the user is a 404; a visible one they do not
administer is a 403. Every change goes through `catalogue.access.services`,
which logs it.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from catalogue.access.forms import MemberForm, ProjectSettingsForm
from catalogue.access.models import Membership, MembershipLog
from catalogue.access.rules import (
    may_administer,
    role_for,
    visible_observations,
    visible_projects,
)
from catalogue.access.services import remove_member, set_restricted, set_role

LOG_ROWS = 50  # latest membership changes shown on the page


def administered_project(user, slug):
    """The project `slug` if `user` administers it; 404 if hidden, else 403."""
    project = get_object_or_404(visible_projects(user), slug=slug)
    if not may_administer(user, project):
        raise PermissionDenied("Only the project's admins manage its members.")
    return project


def _page(request, project, member_form=None, settings_form=None, status=200):
    memberships = Membership.objects.filter(project=project).select_related("user")
    context = {
        "project": project,
        "memberships": memberships,
        "member_form": member_form or MemberForm(),
        "settings_form": settings_form
        or ProjectSettingsForm(initial={"is_restricted": project.is_restricted}),
        "log": MembershipLog.objects.filter(project=project)[:LOG_ROWS],
        "observations": visible_observations(user=request.user)
        .filter(project=project)
        .order_by("sbid"),
    }
    return render(request, "catalogue/projects/manage.html", context, status=status)


@login_required
@require_GET
def project_list(request):
    """The projects the user can see, with their role and a manage link."""
    projects = [
        (project, role_for(request.user, project))
        for project in visible_projects(request.user)
    ]
    return render(request, "catalogue/projects/list.html", {"projects": projects})


@login_required
@require_GET
def project_manage(request, slug):
    return _page(request, administered_project(request.user, slug))


@login_required
@require_POST
def project_settings(request, slug):
    project = administered_project(request.user, slug)
    form = ProjectSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, project, settings_form=form, status=400)
    set_restricted(project, form.cleaned_data["is_restricted"], actor=request.user)
    state = "restricted" if project.is_restricted else "open"
    messages.success(request, f"{project} is {state}.")
    return redirect("projects:manage", slug=project.slug)


@login_required
@require_POST
def member_set(request, slug):
    """Add a member, or change an existing member's role."""
    project = administered_project(request.user, slug)
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _page(request, project, member_form=form, status=400)
    member = form.member
    set_role(project, member, form.cleaned_data["role"], actor=request.user)
    messages.success(
        request, f"{member.get_username()} is {form.cleaned_data['role']} in {project}."
    )
    return redirect("projects:manage", slug=project.slug)


@login_required
@require_POST
def member_remove(request, slug, user_id):
    project = administered_project(request.user, slug)
    member = get_object_or_404(get_user_model(), pk=user_id)
    remove_member(project, member, actor=request.user)
    messages.success(request, f"{member.get_username()} left {project}.")
    return redirect("projects:manage", slug=project.slug)
