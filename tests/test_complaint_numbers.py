"""Complaint numbers and double submissions: every complaint recorded at the same moment gets a
number of its own (TS-year-sequence, no gaps, no refusals), and the same complaint sent twice
(a double click, a resent form) is recorded once, the second sending shown the first.

The concurrent tests send their requests from 20 threads at once, each with its own database
connection. On PostgreSQL they run truly side by side; SQLite takes one writer at a time (its
in-memory test database refuses a second one instead of waiting), so there they are sent one
after the other. ``test_a_number_taken_meanwhile_is_skipped`` replays the race itself, and
fails on both databases without the retry."""

import threading
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client, TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone, translation

from projects.core import roles
from projects.models import Channel, Complaint, ComplaintStep
from projects.services import complaints as loop
from tests.browser import restore_migrated_data
from tests.test_editing import make_role_users

CREATE = reverse("projects:complaint-create")
THREADS = 20


def complaint_data(description="渠水发黑发臭，桥下有白色泡沫", **changes):
    return {
        "source": "hotline",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "complainant": "陈女士",
        "contact": "138 0000 0000",
        "location": "东渠二号桥",
        "description": description,
        **changes,
    }


def this_years_prefix():
    return f"TS-{timezone.localdate().year}-"


class DoubleSubmissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_role_users(cls)
        cls.channel = Channel.objects.create(name="东排洪渠")

    def setUp(self):
        self.client.force_login(self.editor_a)

    def post(self, data):
        with translation.override("zh-hans"):
            return self.client.post(CREATE, data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    def test_it_records_the_same_complaint_sent_twenty_times_once(self):
        data = complaint_data(channel=self.channel.pk)
        responses = [self.post(data) for _ in range(THREADS)]
        complaint = Complaint.objects.get()
        self.assertEqual(ComplaintStep.objects.count(), 1)
        # Each sending after the first is shown the complaint, saying it was not recorded again.
        page = self.client.get(responses[-1]["Location"])
        self.assertContains(page, f"您刚刚已登记过这条相同的投诉（{complaint.number}）")
        for response in responses:
            self.assertRedirects(
                response, complaint.get_absolute_url(), fetch_redirect_response=False
            )

    def test_another_complaint_a_moment_later_is_recorded(self):
        self.post(complaint_data())
        self.post(complaint_data(description="渠水发黑发臭，桥下有白色泡沫，已持续三天"))
        self.post(complaint_data(location="东渠三号桥"))
        self.client.force_login(self.colleague_a)  # a colleague taking the same call
        self.post(complaint_data())
        self.assertEqual(Complaint.objects.count(), 4)

    def test_the_same_complaint_again_after_a_minute_is_recorded(self):
        self.post(complaint_data())
        ComplaintStep.objects.update(recorded_at=timezone.now() - loop.DUPLICATE_WINDOW)
        self.post(complaint_data())
        self.assertEqual(Complaint.objects.count(), 2)

    def test_a_number_taken_meanwhile_is_skipped(self):
        """Another complaint is saved with the number this one drew, after it was drawn and
        before this one is written: this one draws the next number instead of failing."""
        self.post(complaint_data(description="第一条"))
        draw = Complaint.next_number
        raced = []

        def drawn_while_another_takes_it(when):
            number = draw(when)
            if not raced:
                raced.append(number)
                Complaint.objects.bulk_create(
                    [Complaint(number=number, source="other", location="西渠", description="同时")]
                )
            return number

        with mock.patch.object(Complaint, "next_number", side_effect=drawn_while_another_takes_it):
            response = self.post(complaint_data(description="第三条"))
        complaint = Complaint.objects.get(description="第三条")
        self.assertRedirects(response, complaint.get_absolute_url())
        prefix = this_years_prefix()
        self.assertEqual(raced, [f"{prefix}0002"])
        self.assertEqual(complaint.number, f"{prefix}0003")

    def test_numbers_go_on_past_9999(self):
        prefix = this_years_prefix()
        Complaint.objects.bulk_create(
            Complaint(number=f"{prefix}{n:04d}", source="other", location="西渠", description="旧")
            for n in (9998, 9999, 10000)
        )
        self.post(complaint_data())
        self.assertEqual(Complaint.objects.latest("pk").number, f"{prefix}10001")


class ConcurrentSubmissionTests(TransactionTestCase):
    # The roles and assessment items seeded by migrations come back for the tests after.
    serialized_rollback = True

    def setUp(self):
        if not Group.objects.filter(name=roles.UNIT_EDITOR).exists():
            # An earlier transactional test emptied the tables the migrations had filled.
            restore_migrated_data()
        editors = Group.objects.get(name=roles.UNIT_EDITOR)
        self.clerks = []
        for i in range(THREADS):
            clerk = get_user_model().objects.create_user(f"clerk{i:02d}")
            clerk.groups.add(editors)
            self.clerks.append(clerk)

    def send_at_once(self, requests):
        """POST each ``(user, data)`` of ``requests`` to the complaint form from a thread of
        its own, all released together; returns the responses' (status, location)."""
        clients = []
        for user, _data in requests:
            client = Client()
            client.force_login(user)
            clients.append(client)
        start = threading.Barrier(len(requests))
        one_writer = threading.Lock() if connection.vendor == "sqlite" else None
        results = [None] * len(requests)

        def send(index):
            try:
                start.wait()
                with translation.override("zh-hans"):
                    if one_writer is None:
                        response = clients[index].post(CREATE, requests[index][1])
                    else:
                        with one_writer:
                            response = clients[index].post(CREATE, requests[index][1])
                results[index] = (response.status_code, response.get("Location"))
            except BaseException as error:  # reported by the assertions below
                results[index] = (repr(error), None)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results

    def test_twenty_complaints_sent_at_once_all_get_their_own_number(self):
        requests = [
            (clerk, complaint_data(description=f"第{i + 1}处排口污水直排"))
            for i, clerk in enumerate(self.clerks)
        ]
        results = self.send_at_once(requests)
        complaints = list(Complaint.objects.order_by("number"))
        self.assertEqual(
            sorted(results),
            sorted((302, complaint.get_absolute_url()) for complaint in complaints),
        )
        prefix = this_years_prefix()
        self.assertEqual(
            [c.number for c in complaints], [f"{prefix}{n:04d}" for n in range(1, THREADS + 1)]
        )
        self.assertEqual(ComplaintStep.objects.count(), THREADS)

    def test_the_same_complaint_sent_twenty_times_at_once_is_recorded_once(self):
        data = complaint_data()
        results = self.send_at_once([(self.clerks[0], data)] * THREADS)
        complaint = Complaint.objects.get()
        self.assertEqual(results, [(302, complaint.get_absolute_url())] * THREADS)
        self.assertEqual(complaint.steps.count(), 1)
        self.assertEqual(complaint.number, f"{this_years_prefix()}0001")
