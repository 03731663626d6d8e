"""The scale benchmark's complaint cases (see ``generate_rows``): over the twelve months to the
anchor day, at every stage of the closed loop, each with its reports (every third passed on
again by an inspection team) and the steps of its stages."""

import datetime

STAGES = ["found", "dispatched", "handled", "evaluated", "assessed"]
SOURCES = ["public", "hotline", "inspection", "media", "patrol", "river_chief", "other"]


def tables(n, rng, anchor, streets, made):
    """Yield ``(table, columns, rows)`` for the complaints, their reports and their steps.
    ``made``: ``generate_rows``' helpers (``stamp``, ``moment_in``, ``point_beside``)."""
    stamp, moment_in, point_beside = made
    r = rng("complaint")
    complaints = []
    numbers = {}
    for i in range(1, n["complaints"] + 1):
        received = moment_in(r, anchor, 12)
        numbers[received.year] = numbers.get(received.year, 0) + 1
        stage = STAGES[i % 5]
        handled = received + datetime.timedelta(days=2) if i % 5 >= 2 else None
        handled = min(handled, received) if handled and handled.date() > anchor else handled
        complaints.append((i, received, stage, handled))
    sequence = {}
    rows = []
    for i, received, stage, handled in sorted(complaints, key=lambda row: (row[1], row[0])):
        sequence[received.year] = sequence.get(received.year, 0) + 1
        number = f"TS-{received.year}-{sequence[received.year]:04d}"
        rows.append(
            (i, number, SOURCES[i % len(SOURCES)], stamp(received), f"市民{i % 40}", "")
            + (f"基准路{i % 97}号",)
            + ((i % n["channels"]) + 1, f"投诉{i}", stage)
            + (received.date() + datetime.timedelta(days=7) if stage != "found" else None,)
            + ("已清理" if handled else "", stamp(handled) if handled else None)
            + ("satisfied" if STAGES.index(stage) >= 3 else "",)
            + (stamp(handled) if stage == "assessed" else None, 1)
            + (streets[i % len(streets)] if stage != "found" else None,)
            + ("污水管网满负荷" if handled else "",)
            # Every other case placed beside its channel.
            + (point_beside(i % n["channels"] + 1, i) if i % 2 else None,)
        )
    rows.sort()
    yield (
        "projects_complaint",
        ["id", "number", "source", "received_at", "complainant", "contact", "location"]
        + ["channel_id", "description", "stage", "deadline", "action_taken", "handled_at"]
        + ["satisfaction", "closed_at", "version", "assigned_unit_id", "cause", "geometry"],
        iter(rows),
    )

    def reports():
        # Each case one report, every third three (an inspection referral reported again).
        rid = 0
        for i, received, _stage, _handled in complaints:
            for k in range(3 if i % 3 == 0 else 1):
                rid += 1
                source = SOURCES[i % len(SOURCES)] if k == 0 else "inspection"
                body, case = ("督察组", f"DC-{i}-{k}") if source == "inspection" else ("", "")
                at = stamp(received + datetime.timedelta(hours=k))
                yield (rid, i, source, at, f"市民{i % 40}", "", body, case, f"投诉{i}", at)

    yield (
        "projects_complaintreport",
        ["id", "complaint_id", "source", "received_at", "reporter", "contact"]
        + ["inspecting_body", "case_number", "content", "recorded_at"],
        reports(),
    )

    def steps():
        sid = 0
        for i, received, stage, handled in complaints:
            for k in range(STAGES.index(stage) + 1):
                sid += 1
                at = stamp(handled if k >= 2 and handled else received)
                yield (sid, i, STAGES[k], at, at, "")

    yield (
        "projects_complaintstep",
        ["id", "complaint_id", "stage", "at", "recorded_at", "note"],
        steps(),
    )
