"""Moving to Parley: importers for other comment platforms, and Parley's own export.

One module per source (``disqus``, ``wordpress``, ``isso``, ``remark42``, ``commento``,
``backup`` for Parley's own JSON lines); each reads its file as a stream and hands records to
the one ``writer.ImportWriter``, which keeps thread structure, status and authors, maps every
source id to what it created (``models``: running an import twice creates nothing new) and
moves the stories' counters through ``comments.services.update_story_counters``.
"""
