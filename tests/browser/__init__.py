"""Tests in a real browser (headless Chromium): the replay page and notebook-style pages."""
