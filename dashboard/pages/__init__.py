"""One module per page: each registers itself with Dash Pages (`register_page`) and its callbacks."""
