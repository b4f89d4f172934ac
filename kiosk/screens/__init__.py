"""One thin screen per module, each with its .kv beside it; handlers call the controller."""

from kiosk.screens.checking_in import CheckingInScreen
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.done import DoneScreen
from kiosk.screens.handoff import HandoffScreen
from kiosk.screens.identify_code import IdentifyCodeScreen
from kiosk.screens.identify_dob import IdentifyDobScreen
from kiosk.screens.identify_name import IdentifyNameScreen
from kiosk.screens.looking_up import LookingUpScreen
from kiosk.screens.still_there import StillThereScreen
from kiosk.screens.walk_in import WalkInScreen
from kiosk.screens.welcome import WelcomeScreen

# Screen name (the flow's state) -> class; each NAME.kv sits beside NAME.py.
SCREENS = {
    "welcome": WelcomeScreen,
    "identify_name": IdentifyNameScreen,
    "identify_dob": IdentifyDobScreen,
    "looking_up": LookingUpScreen,
    "choose": ChooseScreen,
    "confirm": ConfirmScreen,
    "checking_in": CheckingInScreen,
    "done": DoneScreen,
    "handoff": HandoffScreen,
    "still_there": StillThereScreen,
    "identify_code": IdentifyCodeScreen,
    "walk_in": WalkInScreen,
}
