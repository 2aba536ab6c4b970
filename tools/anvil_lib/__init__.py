"""Anvil host runner: boots the kernel on emulators and reads its TAP output.

Python 3 standard library only. Entry point: tools/anvil (see cli.py).
"""
