"""One thin screen per module, each with its .kv beside it; handlers call the controller."""

from kiosk.screens.check_typed import CheckTypedScreen
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
from seen import vocabulary

# Screen name (the flow's state) -> class; each NAME.kv sits beside NAME.py.
SCREENS = {
    vocabulary.WELCOME: WelcomeScreen,
    vocabulary.IDENTIFY_NAME: IdentifyNameScreen,
    vocabulary.IDENTIFY_DOB: IdentifyDobScreen,
    vocabulary.LOOKING_UP: LookingUpScreen,
    vocabulary.CHOOSE: ChooseScreen,
    vocabulary.CONFIRM: ConfirmScreen,
    vocabulary.CHECKING_IN: CheckingInScreen,
    vocabulary.DONE: DoneScreen,
    vocabulary.HANDOFF: HandoffScreen,
    vocabulary.STILL_THERE: StillThereScreen,
    vocabulary.IDENTIFY_CODE: IdentifyCodeScreen,
    vocabulary.WALK_IN: WalkInScreen,
    vocabulary.CHECK_TYPED: CheckTypedScreen,
}
