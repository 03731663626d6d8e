"""The admin of the complaints models."""
