from kiosk.screens.base import KioskScreen


class LookingUpScreen(KioskScreen):
    pass
