"""Tests for nnkit.plots: what each helper draws, read back from the artists."""
import struct
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnkit.plots import (
    figure_png, grid_points, new_figure, plot_decision_regions, plot_function_and_grad,
    plot_histograms, plot_training_curves,
)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_plots_module_never_imports_pyplot():
    code = ("import sys, nnkit.plots; fig, ax = nnkit.plots.new_figure(); "
            "nnkit.plots.figure_png(fig); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class TestNewFigureAndPng:
    def test_figure_is_a_plain_figure_with_the_asked_grid(self):
        fig, axes = new_figure(5, 2, nrows=2, ncols=3)
        assert isinstance(fig, Figure)
        assert axes.shape == (2, 3)
        assert len(fig.axes) == 6

    @pytest.mark.parametrize("dpi", [50, 80])
    def test_png_has_size_inches_times_dpi(self, dpi):
        fig, _ = new_figure(4, 2)
        assert png_size(figure_png(fig, dpi=dpi)) == (4 * dpi, 2 * dpi)


class TestFunctionAndGrad:
    def test_lines_hold_the_given_data_and_shade_only_when_asked(self):
        z = np.linspace(-2, 2, 5)
        fig, ax = new_figure()
        p = plot_function_and_grad(ax, z, np.tanh(z), 1 - np.tanh(z) ** 2, name="tanh")
        np.testing.assert_array_equal(p.f_line.get_xdata(), z)
        np.testing.assert_array_equal(p.f_line.get_ydata(), np.tanh(z))
        np.testing.assert_array_equal(p.grad_line.get_ydata(), 1 - np.tanh(z) ** 2)
        assert p.shade is None

    def test_shade_covers_the_masked_z_range(self):
        z = np.linspace(-4, 4, 9)
        fig, ax = new_figure()
        p = plot_function_and_grad(ax, z, z, np.ones_like(z), saturated=z < -1.5)
        xs = np.concatenate([path.vertices[:, 0] for path in p.shade.get_paths()])
        # from the first to the last masked grid point, -4 to -2
        assert xs.min() == -4.0 and xs.max() == -2.0


class TestGridPoints:
    def test_grid_covers_the_data_plus_margin(self):
        X = np.array([[-1.0, 2.0], [3.0, 5.0]])
        points, extent = grid_points(X, resolution=7, margin=0.5)
        assert points.shape == (49, 2)
        assert extent == (-1.5, 3.5, 1.5, 5.5)
        np.testing.assert_allclose(points.min(axis=0), [-1.5, 1.5])
        np.testing.assert_allclose(points.max(axis=0), [3.5, 5.5])

    def test_x_varies_fastest_so_reshape_gives_rows_of_constant_y(self):
        points, _ = grid_points(np.array([[0.0, 0.0], [1.0, 2.0]]), resolution=3, margin=0)
        grid_y = points[:, 1].reshape(3, 3)
        assert np.all(grid_y == grid_y[:, :1])


class TestDecisionRegions:
    def test_image_holds_values_and_each_class_is_scattered(self):
        rng = np.random.default_rng(0)
        X = rng.standard_normal((30, 2))
        y = np.arange(30) % 3
        values = rng.random((4, 4))
        fig, ax = new_figure()
        p = plot_decision_regions(ax, values, (-2, 2, -3, 3), X, y, vmin=0, vmax=1)
        np.testing.assert_array_equal(p.image.get_array(), values)
        assert [len(pc.get_offsets()) for pc in p.points] == [10, 10, 10]
        np.testing.assert_array_equal(p.points[1].get_offsets(), X[y == 1])
        assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-3, 3)


class TestHistograms:
    def test_heights_are_sqrt_of_counts_over_the_peak(self):
        rng = np.random.default_rng(1)
        sample = rng.standard_normal(1000)
        bins = np.linspace(-2, 2, 9)
        fig, ax = new_figure()
        p = plot_histograms(ax, [sample], bins=bins)
        counts = np.array([np.sum((np.clip(sample, -2, 2) >= lo) & (np.clip(sample, -2, 2) < hi))
                           for lo, hi in zip(bins[:-1], bins[1:])])
        counts[-1] += np.sum(np.clip(sample, -2, 2) == 2)  # the last bin is closed
        np.testing.assert_allclose(p.heights[0], np.sqrt(counts / counts.max()))

    def test_values_outside_the_range_pile_up_in_the_end_bins(self):
        fig, ax = new_figure()
        p = plot_histograms(ax, [np.array([-50.0, 0.5, 50.0, 60.0])], bins=np.array([0, 1, 2]))
        np.testing.assert_allclose(p.heights[0], [np.sqrt(2 / 2), np.sqrt(2 / 2)])

    def test_rows_stack_top_down_with_labels_and_empty_rows(self):
        fig, ax = new_figure()
        bins = np.array([0.0, 1.0])
        p = plot_histograms(ax, [np.array([0.5]), np.zeros(0)], bins=bins, n_rows=3,
                            labels=["a", "b", "c"], annotations=["first", "second"])
        rows, first_note, second_note = p.artists
        first, second = rows.get_paths()
        # first sample on the top row (baseline n_rows - 1 = 2), second below it
        assert first.vertices[:, 1].min() == 2 and first.vertices[:, 1].max() == 2 + 0.85
        assert second.vertices[:, 1].min() == 1 and second.vertices[:, 1].max() == 1
        assert first_note.get_text() == "first" and first_note.get_position()[1] == 2.45
        np.testing.assert_array_equal(p.heights[1], [0.0])
        assert ax.get_ylim() == (0, 3)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "a"]


class TestTrainingCurves:
    def test_one_line_per_curve_against_the_step(self):
        fig, ax = new_figure()
        lines = plot_training_curves(ax, {"loss": [3.0, 2.0, 1.0], "acc": [0.1, 0.5, 0.9]},
                                     logy=True)
        np.testing.assert_array_equal(lines["acc"].get_xdata(), [0, 1, 2])
        np.testing.assert_array_equal(lines["loss"].get_ydata(), [3.0, 2.0, 1.0])
        assert ax.get_yscale() == "log"
