"""The team block and the history timeline of the candidate page.

Colleagues' ratings, the consensus under the project's rule and the comment
thread (`rating.team`), plus the form that posts a comment. The history
merges my rating changes with the comments I may read, newest first.
"""

from django import forms
from django.urls import reverse

from rating.policy import queue_params
from rating.team import MAX_COMMENT_LENGTH, team_blocks, timeline, visible_comments


class CommentForm(forms.Form):
    """A plain-text comment; the page escapes it when it is shown."""

    text = forms.CharField(
        max_length=MAX_COMMENT_LENGTH,
        strip=True,
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def queue_url(params, after_id=None):
    """Rate & next in "needs ratings" mode, within the list `params` describes."""
    queue = queue_params(params)
    if after_id is not None:
        queue["after"] = str(after_id)
    return f"{reverse('rating:rate_next')}?{queue.urlencode()}"


def team_context(candidate, user, history, params, comment_form=None):
    """Template context of the team block and the timeline; `params` are the
    page's catalogue list parameters (a QueryDict)."""
    projects = {candidate.pk: candidate.observation.project_id}
    block = team_blocks([candidate.pk], user, projects)[candidate.pk]
    comments = visible_comments(candidate, user, block.visible)
    return {
        "team": block,
        "comment_form": comment_form or CommentForm(),
        "timeline": timeline(history, comments),
        "queue_url": queue_url(params, candidate.pk),
    }
