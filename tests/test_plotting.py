"""save_figure: one rendering, written to disk and shown in the notebook as the same bytes."""

from __future__ import annotations

import base64
import io

import IPython
import IPython.display
import matplotlib
import matplotlib.pyplot as plt

from euclaims import plotting


def test_notebook_shows_the_saved_png_and_closes_the_figure(tmp_path, monkeypatch):
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [1, 0])
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw, metadata: shown.append((data, metadata))
    )
    entry = plotting.save_figure(fig, tmp_path, "line", "A falling line.", ["x.csv"])
    saved = (tmp_path / entry["file"]).read_bytes()
    ((data, metadata),) = shown
    assert base64.b64decode(data["image/png"]) == saved
    assert data["text/plain"] == "Figure line: A falling line."
    # displayed at screen resolution: the saved pixels scaled by figure.dpi / savefig.dpi
    pixels = int.from_bytes(saved[16:20], "big")
    rc = matplotlib.rcParams
    assert metadata["image/png"]["width"] == round(pixels * rc["figure.dpi"] / rc["savefig.dpi"])
    assert metadata["image/png"]["width"] < pixels
    assert not plt.fignum_exists(fig.number)


def test_outside_a_kernel_nothing_is_displayed(tmp_path, monkeypatch):
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    fig, _ = plt.subplots()
    entry = plotting.save_figure(fig, tmp_path, "empty", "Nothing.", [])
    assert (tmp_path / entry["file"]).exists()
    assert plt.fignum_exists(fig.number)
    plt.close(fig)


def _crowded_figure(layout: str | None = None) -> plt.Figure:
    """Text that sticks out of the axes on every side: a wrapped title, long tick labels, a
    legend outside the axes."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 4), layout=layout)
    top.plot(range(12), [x**2 for x in range(12)], label="squares of the first twelve numbers")
    top.set_title("A title long enough to wrap onto a second line at this width " * 2, wrap=True)
    top.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    bottom.set_yticks(range(3), [f"a choice = a long value {i}" for i in range(3)])
    bottom.set_xlabel("Specifications, ranked")
    return fig


def _saved_as_tight(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def test_png_bytes_crops_as_savefig_tight_does():
    plotting.set_theme()
    for layout in (None, "constrained"):  # a layout engine takes savefig's own path
        expected = _saved_as_tight(_crowded_figure(layout))
        assert plotting.png_bytes(_crowded_figure(layout)) == expected, layout
        assert int.from_bytes(expected[16:20], "big") > 5 * 150  # the legend outside is kept
    fig = _crowded_figure()
    first = plotting.png_bytes(fig)
    assert plotting.png_bytes(fig) == first  # measuring left the figure as it was
    plt.close("all")


def test_png_bytes_measures_the_crop_without_a_second_draw(monkeypatch):
    plotting.set_theme()
    fig = _crowded_figure()
    draws = []
    original = type(fig).draw
    monkeypatch.setattr(
        type(fig), "draw", lambda self, renderer: (draws.append(1), original(self, renderer))
    )
    plotting.png_bytes(fig)
    assert len(draws) == 1
    draws.clear()
    _saved_as_tight(fig)
    assert len(draws) == 2  # what "tight" costs
    plt.close(fig)
