"""Wire-contract checks of emulator responses against the botocore ECS model."""
