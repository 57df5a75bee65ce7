"""Change memberships and a project's openness; every change is logged.

The project admin page and the Wagtail admin both call these, so a change
is written the same way (and logged once) whichever way it was made.
"""

from django.db import transaction

from catalogue.access.models import Membership, MembershipLog, Role
from catalogue.access.rules import forget_access


def _log(project, action, actor, member=None, old_role="", new_role=""):
    MembershipLog.objects.create(
        project=project,
        project_slug=project.slug,
        member=member,
        member_username=member.get_username() if member else "",
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=actor.get_username() if getattr(actor, "pk", None) else "",
        action=action,
        old_role=old_role,
        new_role=new_role,
    )


@transaction.atomic
def set_role(project, member, role, actor):
    """Make `member` a member of `project` holding `role`; returns the Membership.

    Adding, or changing the role of an existing member; no log row when
    nothing changes.
    """
    role = Role(role)
    membership = (
        Membership.objects.select_for_update()
        .filter(project=project, user=member)
        .first()
    )
    if membership is None:
        membership = Membership.objects.create(project=project, user=member, role=role)
        _log(project, MembershipLog.Action.ADDED, actor, member, new_role=role)
    elif membership.role != role:
        old_role = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        _log(project, MembershipLog.Action.CHANGED, actor, member, old_role, role)
    forget_access(member)
    return membership


@transaction.atomic
def remove_member(project, member, actor):
    """End `member`'s membership of `project` (nothing if not a member)."""
    membership = Membership.objects.filter(project=project, user=member).first()
    if membership is not None:
        membership.delete()
        _log(
            project,
            MembershipLog.Action.REMOVED,
            actor,
            member,
            old_role=membership.role,
        )
    forget_access(member)


@transaction.atomic
def set_restricted(project, restricted, actor):
    """Open (False) or restrict (True) `project`; logged when it changes."""
    if project.is_restricted == restricted:
        return
    project.is_restricted = restricted
    project.save(update_fields=["is_restricted"])
    log_openness(project, actor)


def log_openness(project, actor):
    """Log that `project` has just been restricted or opened (by a form that
    saved it, e.g. the Wagtail admin's project editor)."""
    action = (
        MembershipLog.Action.RESTRICTED
        if project.is_restricted
        else MembershipLog.Action.OPENED
    )
    _log(project, action, actor)
