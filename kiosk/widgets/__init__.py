"""Big-target widgets for the kiosk screens: buttons, letter keyboard, date keypad."""
