from kiosk.screens.base import KioskScreen


class CheckingInScreen(KioskScreen):
    pass
