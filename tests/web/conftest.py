"""Makes the core fixtures (site, story, other_story, rules_only) available to tests/web/.

Test modules use them as arguments without importing them (importing them trips ruff F811).
"""

from tests.comments.core_fixtures import other_story, rules_only, site, story  # noqa: F401
