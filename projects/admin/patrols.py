"""The admin of the patrols models."""
