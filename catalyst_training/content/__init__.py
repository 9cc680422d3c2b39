"""The programme as files: modules/ read into immutable objects."""
