"""Pages of 维权, along its sections."""
