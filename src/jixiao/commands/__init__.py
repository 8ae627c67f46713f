"""The commands of one area each (store, export), registered on the CLI app by cli.py.

Above store and export in the layers: a command may use both, the store and export never use each other.
"""
