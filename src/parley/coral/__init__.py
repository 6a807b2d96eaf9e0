"""Coral Talk integration: Parley as one of Coral's external moderation phases.

Coral (coralproject/talk) POSTs each new or edited comment to the phase URL a Coral admin
pastes (``/api/v1/coral/phase?site=SLUG``), signed with the phase's secret, and waits at most the
phase's timeout. ``signature`` checks the signature, ``phase`` decides through Parley's own
moderation pipeline and speaks Coral's statuses and codes, ``api`` is the endpoint.
"""
