"""The rot audit itself (tests/helpers/rot_audit.py): its folds keep a base record's pairs
together, and its classifier finds a signal that is there and none that is not."""

from __future__ import annotations

import random

import pytest

from tests.helpers.rot_audit import FEATURES, Sample, cross_validated_auc, fold_groups

pytest.importorskip("sklearn")


def _sample(target: str, imitates: str, label: int, **features: float) -> Sample:
    values = dict.fromkeys(FEATURES, float("nan"))
    values.update(features)
    return Sample(f"task-{target}", "Case", label, "out_of_window", values, target, imitates)


def test_targets_that_imitate_one_base_record_share_a_fold() -> None:
    """Case X is a task's target in one task and a child of product P's look-alike in another:
    both targets' pairs go in one fold, or a classifier that saw X's place in training would
    recognise it out of fold. Transitively: P and Q imitate Y too."""
    samples = [_sample("X", "X", 0), _sample("P", "X", 0), _sample("P", "Y", 0),
               _sample("Q", "Y", 1), _sample("Z", "Z", 1)]
    groups = fold_groups(samples)
    assert len(set(groups[:4])) == 1
    assert groups[4] != groups[0]


def _pairs(shift: float, seed: int = 0) -> list[Sample]:
    rng = random.Random(seed)
    out = []
    for t in range(60):
        for k in range(6):
            base = f"b{t}-{k}"
            gap = rng.gauss(12, 1)
            out.append(_sample(f"t{t}", base, 0, gap_prev=gap, gap_next=rng.gauss(12, 1)))
            out.append(_sample(f"t{t}", base, 1, gap_prev=rng.gauss(12, 1) + shift,
                               gap_next=rng.gauss(12, 1)))
    return out


def test_the_classifier_finds_a_shift_and_no_signal_where_there_is_none() -> None:
    columns = ("gap_prev", "gap_next")
    assert cross_validated_auc(_pairs(shift=1.5), columns) > 0.8
    assert abs(cross_validated_auc(_pairs(shift=0.0), columns) - 0.5) < 0.06


def test_a_base_record_seen_in_training_is_not_recognised_out_of_fold() -> None:
    """Each base record imitated under several targets, in the same place every time, its
    clones anywhere: the two classes look alike, but folds by target alone let the classifier
    learn where the base records are and find them again (the leak that made Case look
    separable); folds that keep a base record's targets together see nothing."""
    rng = random.Random(1)
    samples = []
    for b in range(120):
        place = rng.gauss(12, 1)
        for t in range(5):
            target = f"t{b}-{t}"
            samples.append(_sample(target, f"b{b}", 0, gap_prev=place))
            samples.append(_sample(target, f"b{b}", 1, gap_prev=rng.gauss(12, 1)))
    columns = ("gap_prev",)
    by_target = [Sample(s.task, s.obj, s.label, s.kind, s.features, s.source, s.source)
                 for s in samples]
    assert cross_validated_auc(by_target, columns) > 0.7
    assert cross_validated_auc(samples, columns) < 0.55
