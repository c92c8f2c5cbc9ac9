"""Locale formats of ceis (``FORMAT_MODULE_PATH``): Django's, where Italian usage differs."""
