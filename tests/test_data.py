"""Tests of nnkit.data."""
import numpy as np
import pytest

from nnkit.data import DATASETS, make_circles, make_spiral, make_xor


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_dtypes_and_seeding(name):
    make = DATASETS[name]
    X, y = make(n=101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i" and y.min() == 0
    X2, y2 = make(n=101, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n=101, seed=4)
    assert not np.array_equal(X, X3)
    assert np.abs(X).max() < 3


@pytest.mark.parametrize("name", list(DATASETS))
def test_bad_sizes_are_refused(name):
    with pytest.raises(ValueError, match="positive integer"):
        DATASETS[name](n=0)


def test_spiral_has_the_requested_classes():
    _, y = make_spiral(90, n_classes=3)
    assert np.bincount(y).tolist() == [30, 30, 30]


def test_xor_labels_follow_the_quadrant():
    X, y = make_xor(400, noise=0.05)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_circles_inner_class_is_inside():
    X, y = make_circles(400, noise=0.02)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() < r[y == 0].min()
