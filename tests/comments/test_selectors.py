"""Thread pages: cursor pagination, nesting and flattening, own pending comments, caching."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from parley import actions
from parley.comments import selectors
from parley.comments.errors import InvalidInput, NotFound
from parley.comments.models import Comment, CommentStatus
from tests.comments.core_fixtures import post

pytestmark = pytest.mark.usefixtures("rules_only")


def ids(page) -> list[int]:
    return [node.comment.pk for node in page.comments]


def fresh(story):
    return selectors.get_story(story.pk)


def walk(story, order, limit):
    """Read every page, following the cursors; return the ids seen and the number of pages."""
    seen, cursor, pages = [], None, 0
    while True:
        page = selectors.thread_page(story=fresh(story), order=order, cursor=cursor, limit=limit)
        seen += ids(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_pages_cover_every_top_level_comment_once_in_order(story, order):
    made = [post(story, f"comment {i}").pk for i in range(7)]
    seen, pages = walk(story, order, limit=3)
    assert seen == (made[::-1] if order == "newest" else made)
    assert pages == 3


def test_equal_timestamps_are_ordered_by_id_without_skipping(story):
    made = [post(story, f"c{i}") for i in range(5)]
    same = timezone.now() - timedelta(hours=1)
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(created_at=same)
    seen, _ = walk(story, "newest", limit=2)
    assert seen == [c.pk for c in made][::-1]


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_new_comments_between_pages_never_shift_or_repeat_a_page(story, order):
    made = [post(story, f"old {i}").pk for i in range(6)]
    first = selectors.thread_page(story=fresh(story), order=order, limit=2)
    for i in range(3):
        post(story, f"new {i}")
    second = selectors.thread_page(story=fresh(story), order=order, limit=2,
                                   cursor=first.next_cursor)
    third = selectors.thread_page(story=fresh(story), order=order, limit=2,
                                  cursor=second.next_cursor)
    expected = made[::-1] if order == "newest" else made
    assert ids(first) + ids(second) + ids(third) == expected
    if order == "newest":  # the new comments are above the first page: nothing more below
        assert third.next_cursor is None
    else:  # the new comments come after the old ones, on the next page
        fourth = selectors.thread_page(story=fresh(story), order=order, limit=2,
                                       cursor=third.next_cursor)
        assert [n.comment.text for n in fourth.comments] == ["new 0", "new 1"]


def test_replies_nest_three_levels_then_flatten_with_replying_to(story):
    top = post(story, "top", name="Ann")
    r1 = post(story, "r1", name="Bob", parent=top)
    r2 = post(story, "r2", name="Cid", parent=r1)
    r3 = post(story, "r3", name="Dee", parent=r2)
    r4 = post(story, "r4", name="Eve", parent=r3)
    later_r2 = post(story, "r2b", name="Fay", parent=r1)
    page = selectors.thread_page(story=fresh(story))
    [node] = page.comments
    assert node.comment.pk == top.pk and node.reply_count == 5
    [level1] = node.replies
    assert level1.comment.pk == r1.pk and level1.replying_to is None and level1.reply_count == 4
    # The third level holds r2, then r3 and r4 flattened beside it, then the later reply.
    assert [n.comment.pk for n in level1.replies] == [r2.pk, r3.pk, r4.pk, later_r2.pk]
    assert [n.replying_to for n in level1.replies] == [None, "Cid", "Dee", None]
    assert all(n.replies == [] for n in level1.replies)
    assert level1.replies[0].reply_count == 2  # r3 and r4 are still counted under r2


def test_hidden_and_pending_comments_are_shown_only_to_their_author(story):
    top = post(story, "top", name="Ann")
    story.premoderate = True
    story.save()
    pending = actions.post_comment(story=story, text="wait", author_name="Bob",
                                    parent=top).comment
    assert pending.status == CommentStatus.PENDING
    pending_top = actions.post_comment(story=story, text="mine", author_name="Bob").comment
    public = selectors.thread_page(story=fresh(story))
    assert ids(public) == [top.pk]
    assert public.comments[0].replies == [] and public.comments[0].reply_count == 0
    mine = selectors.thread_page(story=fresh(story), include_comment_ids=[pending.pk,
                                                                          pending_top.pk])
    assert ids(mine) == [pending_top.pk, top.pk]
    assert mine.comments[0].is_own_pending
    assert [n.comment.pk for n in mine.comments[1].replies] == [pending.pk]
    assert mine.comments[1].replies[0].is_own_pending
    # Someone else's id list does not reveal a rejected comment.
    Comment.objects.filter(pk=pending.pk).update(status=CommentStatus.REJECTED)
    again = selectors.thread_page(story=fresh(story), include_comment_ids=[pending.pk])
    assert again.comments[0].replies == []


def test_reply_to_a_removed_comment_hangs_under_the_nearest_shown_one(story):
    top = post(story, "top", name="Ann")
    middle = post(story, "middle", name="Bob", parent=top)
    child = post(story, "child", name="Cid", parent=middle)
    actions.change_comment_status(comment=middle, status=CommentStatus.REMOVED)
    [node] = selectors.thread_page(story=fresh(story)).comments
    assert [(n.comment.pk, n.replying_to) for n in node.replies] == [(child.pk, "Bob")]


def test_page_is_cached_until_the_story_version_moves(story, django_assert_num_queries):
    post(story, "one")
    s = fresh(story)
    with django_assert_num_queries(2):  # top-level page + their replies
        first = selectors.thread_page(story=s)
    with django_assert_num_queries(0):
        assert ids(selectors.thread_page(story=s)) == ids(first)
    post(story, "two")
    assert len(selectors.thread_page(story=fresh(story)).comments) == 2


def test_pending_reader_pages_are_never_cached(story, django_assert_num_queries):
    comment = post(story)
    s = fresh(story)
    selectors.thread_page(story=s)
    with django_assert_num_queries(2):
        selectors.thread_page(story=s, include_comment_ids=[comment.pk])


def test_bad_arguments_name_the_parameter(story):
    for kwargs, field in [({"cursor": "!!notacursor"}, "cursor"), ({"limit": 0}, "limit"),
                          ({"limit": 101}, "limit"), ({"order": "random"}, "order")]:
        with pytest.raises(InvalidInput) as err:
            selectors.thread_page(story=story, **kwargs)
        assert err.value.field == field


def test_story_lookups(story):
    assert selectors.get_story(story.pk) == story
    with pytest.raises(NotFound):
        selectors.get_story(999999)
    assert selectors.find_story_by_url(story.url + "#comments") == story
    assert selectors.find_story_by_url("https://elsewhere.example/") is None
    assert selectors.find_story_by_url("not a url") is None


def test_published_counts_in_one_query(story, other_story, django_assert_num_queries):
    post(story)
    post(story)
    story.premoderate = True
    story.save()
    post(story)  # pending: not counted
    urls = [story.url, other_story.url, "https://unknown.example/x", "junk"]
    with django_assert_num_queries(1):
        counts = selectors.published_counts(urls)
    assert counts == {story.url: 2, other_story.url: 0, "https://unknown.example/x": 0,
                      "junk": 0}
