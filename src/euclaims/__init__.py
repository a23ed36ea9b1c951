"""euclaims: test the claims of a 2017 essay on Russia and the EU against public data."""

__version__ = "0.1.0"
