"""What the scanning grid's keys and buttons do to my ratings, and their undo.

Every change goes through `rating.models.save_rating` (the candidate page's
own path: one rating per user and candidate, each change copied into the
history). A change that would leave a rating as it is saves nothing, so the
history holds only real changes.

Undo: before changing anything an action records the prior state of each
rating it touches (label, tag, notes, or "none"), and the record is pushed
on a short stack in my session. `undo` pops the latest record and puts every
rating back exactly: `save_rating` with the old state (a history entry says
so), or, where there was no rating, deletes the one the action made (its
history goes with it, as if it had never been made).
"""

from dataclasses import dataclass

from django.db import transaction

from catalogue.access.rules import ratable_candidates, visible_candidates
from catalogue.survey.models import Candidate
from rating.models import Label, Rating, Tag, save_rating

UNDO_SESSION_KEY = "scan_undo"
UNDO_DEPTH = 50  # changes that can be undone, most recent first
MAX_BULK = 500  # candidates one bulk action may label


class ActionError(ValueError):
    """Bad input: the message says what to fix; nothing was changed."""


class NotAllowed(ActionError):
    """The user's role does not let them change these ratings (answered 403)."""


@dataclass(frozen=True)
class RatingState:
    """A rating's label, tag id (or None) and notes."""

    label: str
    tag_id: int | None
    notes: str

    @classmethod
    def of(cls, rating):
        return cls(rating.label, rating.tag_id, rating.notes)

    def as_json(self):
        return {"label": self.label, "tag": self.tag_id, "notes": self.notes}

    @classmethod
    def from_json(cls, data):
        return cls(data["label"], data["tag"], data["notes"])


def _candidates(user, candidate_ids):
    """The candidates of `candidate_ids` (ints), all of which must exist and
    be ratable by `user` (a candidate of a project hidden from them does not
    exist for them; one they may only view is refused)."""
    if not candidate_ids:
        raise ActionError("Choose at least one candidate.")
    if len(candidate_ids) > MAX_BULK:
        raise ActionError(f"At most {MAX_BULK} candidates can be labelled at once.")
    found = visible_candidates(user, Candidate.objects.only("id")).in_bulk(
        candidate_ids
    )
    missing = sorted(set(candidate_ids) - set(found))
    if missing:
        raise ActionError(f"No candidate with id {', '.join(map(str, missing))}.")
    ratable = set(
        ratable_candidates(
            user, Candidate.objects.filter(pk__in=list(found))
        ).values_list("pk", flat=True)
    )
    refused = sorted(set(found) - ratable)
    if refused:
        raise NotAllowed(
            "Your role in the project lets you view, not rate, candidate "
            f"{', '.join(map(str, refused))}."
        )
    return [found[pk] for pk in dict.fromkeys(candidate_ids)]


def _current_ratings(user, candidate_ids):
    return {
        rating.candidate_id: rating
        for rating in Rating.objects.filter(user=user, candidate_id__in=candidate_ids)
    }


def _apply(user, candidates, new_state_of):
    """Save `new_state_of(current rating or None)` for each candidate.

    Returns the undo record {candidate id: prior state or None} of the
    ratings that changed.
    """
    record = {}
    with transaction.atomic():
        current = _current_ratings(user, [c.pk for c in candidates])
        for candidate in candidates:
            rating = current.get(candidate.pk)
            before = RatingState.of(rating) if rating else None
            after = new_state_of(before)
            if after == before:
                continue
            save_rating(
                candidate, user, after.label, tag=_tag(after.tag_id), notes=after.notes
            )
            record[candidate.pk] = before
    return record


def _tag(tag_id):
    """A Tag standing for `tag_id` (saving a rating needs only its key)."""
    return None if tag_id is None else Tag(pk=tag_id)


def label(user, candidate_ids, new_label):
    """Give every candidate `new_label`, keeping each rating's tag and notes."""
    if new_label not in Label.values:
        raise ActionError(f"Unknown label '{new_label}': use true, false or unsure.")
    candidates = _candidates(user, candidate_ids)
    return _apply(
        user,
        candidates,
        lambda before: RatingState(
            new_label, before.tag_id if before else None, before.notes if before else ""
        ),
    )


def tag(user, candidate_ids, tag_id):
    """Set the tag (or clear it: None) of my ratings of the candidates.

    A tag belongs to a rating, so every candidate must be labelled first.
    """
    if tag_id is not None and not Tag.objects.filter(pk=tag_id).exists():
        raise ActionError(f"No tag with id {tag_id}.")
    candidates = _candidates(user, candidate_ids)
    rated = _current_ratings(user, candidate_ids)
    unrated = [c.pk for c in candidates if c.pk not in rated]
    if unrated:
        raise ActionError("Label the candidate (t, f or u) before giving it a tag.")
    return _apply(
        user,
        candidates,
        lambda before: RatingState(before.label, tag_id, before.notes),
    )


def restore(user, record):
    """Put my ratings back to the states of an undo record.

    Candidates deleted since are skipped; a tag deleted since stays cleared
    (as deleting a tag clears it from every rating).
    """
    existing_tags = set(
        Tag.objects.filter(
            pk__in=[s.tag_id for s in record.values() if s and s.tag_id]
        ).values_list("pk", flat=True)
    )
    existing = set(
        ratable_candidates(
            user, Candidate.objects.filter(pk__in=list(record))
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for candidate_id, before in record.items():
            if candidate_id not in existing:
                continue
            if before is None:
                Rating.objects.filter(user=user, candidate_id=candidate_id).delete()
            else:
                if before.tag_id not in existing_tags:
                    before = RatingState(before.label, None, before.notes)
                save_rating(
                    Candidate(pk=candidate_id),
                    user,
                    before.label,
                    tag=_tag(before.tag_id),
                    notes=before.notes,
                )


def push_undo(session, record):
    """Remember an action's undo record (nothing for an action that changed
    nothing)."""
    if not record:
        return
    stack = session.get(UNDO_SESSION_KEY, [])
    entry = {
        str(pk): None if state is None else state.as_json()
        for pk, state in record.items()
    }
    session[UNDO_SESSION_KEY] = [entry, *stack][:UNDO_DEPTH]


def undo(user, session):
    """Undo my latest change; returns the candidate ids it touched ([] if none)."""
    stack = session.get(UNDO_SESSION_KEY, [])
    if not stack:
        return []
    entry, *rest = stack
    record = {
        int(pk): None if state is None else RatingState.from_json(state)
        for pk, state in entry.items()
    }
    restore(user, record)
    session[UNDO_SESSION_KEY] = rest
    return list(record)


def undo_depth(session):
    return len(session.get(UNDO_SESSION_KEY, []))
