"""save_figure: one rendering, written to disk and shown in the notebook as the same bytes."""

from __future__ import annotations

import base64

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
