"""Users, roles and where they are: contexts (course runs), resource links, memberships."""
