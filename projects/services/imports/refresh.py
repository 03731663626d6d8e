"""After an import: re-grade the channels that got new samples and re-score the segments that
got new inspections, in the import's transaction (a failure there undoes the import too).

The grading and scoring live in ``projects.services.water_quality`` and
``projects.services.sewer_condition``;
they are imported here, when needed, so that importing this package does not load them."""


def regrade(channel_ids):
    from projects.services.water_quality import regrade_channels

    if channel_ids:
        regrade_channels(channel_ids=list(channel_ids))


def rescore(segment_ids):
    from projects.services.sewer_condition import rescore_segments

    if segment_ids:
        rescore_segments(segment_ids=list(segment_ids))
