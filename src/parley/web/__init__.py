"""The reader-facing HTTP side: reader pages, the JSON API at /api/v1/ and the embed script.

Above both apps: it reads through ``parley.comments.selectors`` and writes only through
``parley.actions``, which is why it is not part of the ``comments`` app (a leaf that imports
neither moderation nor the actions). Its templates and static files stay in the comments app.
"""
