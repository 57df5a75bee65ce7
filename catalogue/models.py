"""The app's models, where Django looks for them.

Each model lives in the package of the layer that owns it: the survey data
in `catalogue.survey.models`, upload tokens in `catalogue.api.tokens`, the
catalogue page's remembered columns in `catalogue.browse.models`, saved
queries in `catalogue.browse.saved_queries`. Code
imports them from there; this module only makes Django register them.
"""

from catalogue.access.models import Membership, MembershipLog  # noqa: F401
from catalogue.api.tokens.models import UploadToken  # noqa: F401
from catalogue.browse.models import CataloguePreference  # noqa: F401
from catalogue.browse.saved_queries import SavedQuery  # noqa: F401
from catalogue.survey.models import (  # noqa: F401
    Beam,
    BeamFile,
    Candidate,
    CandidateFile,
    Lightcurve,
    Observation,
    Project,
    StoredFile,
    Upload,
)
