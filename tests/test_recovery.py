"""Recovery statuses at and around every boundary the issue defines."""

import pytest

from visualizer.recovery import classify


@pytest.mark.parametrize(
    "h, d, x, status",
    [
        (0.8, 0.4, 0.8, "recovered"),
        (0.8, 0.4, 0.72, "recovered"),  # fraction exactly 0.8
        (0.8, 0.4, 0.70, "partial"),
        (0.8, 0.4, 0.48, "partial"),  # 0.2
        (0.8, 0.4, 0.47, "unchanged"),
        (0.8, 0.4, 0.4, "unchanged"),
        (0.8, 0.4, 0.32, "unchanged"),  # -0.2
        (0.8, 0.4, 0.30, "worse"),
        (0.2, 0.7, 0.25, "recovered"),  # a node the disease raised
        (0.2, 0.7, 0.9, "worse"),
        (0.5, 0.52, 0.6, "boosted"),
        (0.5, 0.52, 0.4, "suppressed"),
        (0.5, 0.52, 0.53, "unaffected"),
    ],
)
def test_status(h, d, x, status):
    assert classify(h, d, x).status == status


def test_fraction_is_reported_only_where_the_references_differ():
    assert classify(0.8, 0.4, 0.6).fraction == pytest.approx(0.5)
    assert classify(0.5, 0.52, 0.9).fraction is None
