# The shipped English catalog: the reference every other language and every override
# file is checked against (the same message ids, the same arguments; of the parts of a date
# or a time, $region, $hour12 and $period, and of English's a/an, $vowel, a language uses
# those it needs). A message's arguments include those of the messages it takes a piece
# from, such as { weekday } or { booking-service-a }, which share them.

## Accounts

# The database failed or did not answer in time.
account-unavailable = Sorry, I can't reach your account details right now. Please try again in a moment.
# $user_id: the account; $balance: the amount, formatted for the caller's language.
account-balance = The balance of account { $user_id } is { $balance }.
# No user ID was said, and the page has no form parameter to ask with.
account-which = Which account do you mean? Please tell me your user ID.
account-unknown = I couldn't find an account with the user ID { $user_id }. Please check the ID and tell me again.
# $said: the count as said (0, -3, 2.5); $max: the most a call lists.
account-count-out-of-range = I can't list { $said } transactions. How many would you like, from 1 to { $max }?
# $said: what was said, cut to a few words.
account-count-not-understood = I didn't understand "{ $said }" as a number. How many transactions would you like, from 1 to { $max }?
account-no-transactions = There are no transactions on account { $user_id } yet.
# Said before the list when the caller asked for more than $max.
account-transactions-capped =
    { $max ->
        [one] I can list at most { $max } transaction at a time.
       *[other] I can list at most { $max } transactions at a time.
    }
# The heading of the list; $count is how many follow (1 or more).
account-transactions =
    { $count ->
        [one] The last transaction on account { $user_id }:
       *[other] The last { $count } transactions on account { $user_id }:
    }
# One transaction of the list, which follows the heading as a sentence (an and-list);
# $amount is signed and formatted for the caller's language, $date a day (December 3).
account-transaction = { $description } for { $amount } on { $date }

## Weather

weather-unavailable = Sorry, I can't get the weather right now. Please try again in a moment.
# No place was said, and the page has no form parameter to ask with.
weather-which-place = Which city would you like the weather for?
weather-unknown-place = I couldn't find a place called { $place }. Which city do you mean?
# The sky and what falls from it, by WMO weather code, as said after "with" in
# weather-now and weather-stale.
weather-conditions =
    { $code ->
        [0] clear skies
        [1] mostly clear skies
        [2] partly cloudy skies
        [3] overcast skies
        [45] fog
        [48] freezing fog
        [51] light drizzle
        [53] drizzle
        [55] heavy drizzle
        [56] light freezing drizzle
        [57] heavy freezing drizzle
        [61] light rain
        [63] rain
        [65] heavy rain
        [66] light freezing rain
        [67] heavy freezing rain
        [71] light snow
        [73] snow
        [75] heavy snow
        [77] snow grains
        [80] light rain showers
        [81] rain showers
        [82] violent rain showers
        [85] light snow showers
        [86] heavy snow showers
        [95] a thunderstorm
        [96] a thunderstorm with light hail
        [99] a thunderstorm with heavy hail
       *[other] changing weather
    }
# The current weather. $temperature and $wind_speed are whole numbers, $temperature_unit
# °C or °F, $wind_unit km/h or mph; $conditions is a weather-conditions phrase, or `none`
# when the provider's code has none.
weather-now =
    { $conditions ->
        [none] It's { $temperature }{ $temperature_unit } in { $place }, with wind at { $wind_speed } { $wind_unit }.
       *[other] It's { $temperature }{ $temperature_unit } in { $place }, with { $conditions } and wind at { $wind_speed } { $wind_unit }.
    }
# The provider failed and a recent answer is said instead; $age is a weather-age phrase.
weather-stale =
    { $conditions ->
        [none] I can't reach the weather service right now. As of { $age }, it was { $temperature }{ $temperature_unit } in { $place }, with wind at { $wind_speed } { $wind_unit }.
       *[other] I can't reach the weather service right now. As of { $age }, it was { $temperature }{ $temperature_unit } in { $place }, with { $conditions } and wind at { $wind_speed } { $wind_unit }.
    }
weather-age-now = less than a minute ago
weather-age-minutes =
    { $minutes ->
        [one] { $minutes } minute ago
       *[other] { $minutes } minutes ago
    }
weather-age-hours =
    { $hours ->
        [one] { $hours } hour ago
       *[other] { $hours } hours ago
    }
# Weather for the city remembered from an earlier conversation, when none was given; the
# arguments are weather-now's.
weather-remembered =
    { $conditions ->
        [none] In { $place }, as last time, it's { $temperature }{ $temperature_unit }, with wind at { $wind_speed } { $wind_unit }.
       *[other] In { $place }, as last time, it's { $temperature }{ $temperature_unit }, with { $conditions } and wind at { $wind_speed } { $wind_unit }.
    }

## Forms: how dates, times and lists are said, in the sentences above and below. They are
## formatted with the arguments of the sentence that takes them, and a language uses the
## parts it needs (see the module docs of `messages::forms`).

# $weekday: 1 for Monday to 7 for Sunday.
weekday =
    { $weekday ->
        [1] Monday
        [2] Tuesday
        [3] Wednesday
        [4] Thursday
        [5] Friday
        [6] Saturday
       *[7] Sunday
    }
# Every such weekday, as in "We're closed on Sundays".
weekdays =
    { $weekday ->
        [1] Mondays
        [2] Tuesdays
        [3] Wednesdays
        [4] Thursdays
        [5] Fridays
        [6] Saturdays
       *[7] Sundays
    }
# $month: 1 to 12.
month =
    { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    }
# A day of the year without its weekday: "December 3", or "3 December" outside the regions
# that put the month first. $region: the region subtag of the caller's language (GB of
# en-GB) or none; $day, $year: numbers.
day =
    { $region ->
        [none] { month } { $day }
        [US] { month } { $day }
        [CA] { month } { $day }
        [PH] { month } { $day }
       *[other] { $day } { month }
    }
# A date with its weekday: "Thursday, December 3", or "Thursday 3 December".
date =
    { $region ->
        [none] { weekday }, { day }
        [US] { weekday }, { day }
        [CA] { weekday }, { day }
        [PH] { weekday }, { day }
       *[other] { weekday } { day }
    }
# A time of day: $hour 0 to 23, $hour12 1 to 12, $minute two digits, $period AM or PM.
time =
    { $region ->
        [none] { $hour12 }:{ $minute } { $period }
        [US] { $hour12 }:{ $minute } { $period }
        [CA] { $hour12 }:{ $minute } { $period }
        [PH] { $hour12 }:{ $minute } { $period }
        [AU] { $hour12 }:{ $minute } { $period }
        [NZ] { $hour12 }:{ $minute } { $period }
        [IN] { $hour12 }:{ $minute } { $period }
       *[other] { $hour }:{ $minute }
    }
# A list: $rest is every item but the last, joined with commas.
list-and = { $rest } and { $last }
list-or = { $rest } or { $last }

## Booking

# A service: $name as configured (Eyebrow tint), $service its key (eyebrow-tint: lower
# case, dashes for spaces) to select on. English says the name as configured; another
# language names the configured services in its words with a variant per key, and a
# business that configures other services adds theirs in its override files.
booking-service =
    { $service ->
       *[other] { $name }
    }
# A service with its indefinite article, as in "already taken for a haircut"; $vowel is yes
# when the English name starts with a vowel letter.
booking-service-a =
    { $vowel ->
        [yes] an { booking-service }
       *[other] a { booking-service }
    }
# The database or the scheduling system failed or did not answer in time.
booking-unavailable = Sorry, I can't reach the booking system right now. Please try again in a moment.
# Refusals. A reply may give several; $sorry is yes for the first that apologises and no for
# the ones after it, so that "Sorry" is said once.
booking-which-service = Which service would you like?
# $said: the service as said; $services: the configured services, as an or-list.
booking-not-offered =
    { $sorry ->
        [yes] Sorry, we don't offer { $said }. You can book a { $services }.
       *[other] We don't offer { $said }. You can book a { $services }.
    }
booking-which-date =
    { $sorry ->
        [yes] Sorry, which date was that?
       *[other] Which date was that?
    }
booking-which-time =
    { $sorry ->
        [yes] Sorry, what time was that?
       *[other] What time was that?
    }
booking-past-date = That date is in the past. Which day would you like?
booking-out-of-range = I can't book that date. Which day would you like?
# $weekday: 1 for Monday to 7 for Sunday.
booking-closed-day = We're closed on { weekdays }. Which other day works for you?
booking-past-time = That time has already passed. Which later time works for you?
# $open and $close: times.
booking-outside-hours = On { weekdays } we're open from { $open } to { $close }. Which time in between works for you?
# $minutes: the slot grid.
booking-off-grid =
    { $minutes ->
        [one] Appointments start every minute from opening time. Which time would you like?
       *[other] Appointments start every { $minutes } minutes from opening time. Which time would you like?
    }
# A service starting at $start would end after $close; $last is the last start that fits.
# $service is none when no service is known yet.
booking-ends-after-closing =
    { $service ->
        [none] An appointment at { $start } would end after we close at { $close }. The last start time is { $last }.
       *[other] { booking-service-a } at { $start } would end after we close at { $close }. The last start time is { $last }.
    }
booking-ends-after-closing-that-day =
    { $service ->
        [none] An appointment at { $start } would end after we close at { $close }, and no other start time that day fits it. Which other day works for you?
       *[other] { booking-service-a } at { $start } would end after we close at { $close }, and no other start time that day fits it. Which other day works for you?
    }
# The slot ($date, $time) is held by another booking.
booking-taken =
    { $sorry ->
        [yes] Sorry, { $date } at { $time } is already taken for { booking-service-a }. Which other time works for you?
       *[other] { $date } at { $time } is already taken for { booking-service-a }. Which other time works for you?
    }
# The slot was booked by another caller during this turn.
booking-just-taken =
    { $sorry ->
        [yes] Sorry, that slot ({ $date } at { $time }) was just taken. Which other time works for you?
       *[other] That slot ({ $date } at { $time }) was just taken. Which other time works for you?
    }
booking-available = { booking-service } on { $date } at { $time } is available.
# What booking.create still needs. $service, $date and $time are what is known (none when
# not); $needed is an and-list of booking-need-service, booking-need-date and
# booking-need-time.
booking-need =
    To book{ $service ->
        [none] {""}
       *[other] {" "}your { booking-service }
    }{ $date ->
        [none] {""}
       *[other] {" "}on { $date }
    }{ $time ->
        [none] {""}
       *[other] {" "}at { $time }
    }, I need { $needed }.
# $services: the configured services, as an or-list.
booking-need-service = a service ({ $services })
booking-need-date = a date
booking-need-time = a time
# Said before booking-need when the service said is not offered.
booking-not-offered-short = Sorry, we don't offer { $said }.
booking-confirmed = You're booked: { booking-service } on { $date } at { $time }. Your confirmation number is { $confirmation }.
# The scheduling system has not confirmed yet; $confirmation is the reference kept.
booking-pending = I'm still confirming your { booking-service } on { $date } at { $time } with our scheduling system. Your reference is { $confirmation }; please ask me again in a moment.
booking-no-longer-active = That booking ({ $confirmation }) is no longer active. Would you like to book again?
booking-which-to-cancel = Which booking should I cancel? Please tell me its confirmation number.
# $said: the number as said, or as read.
booking-not-found = I can't find a booking with confirmation number { $said }. Please check the number and tell me again.
booking-already-cancelled = Your { booking-service } on { $date } at { $time } ({ $confirmation }) was already cancelled.
booking-cancel-failed = Sorry, I couldn't cancel that booking with our scheduling system just now. Please try again in a moment.
booking-cancelled = Your { booking-service } on { $date } at { $time } ({ $confirmation }) is cancelled.
# Offers the service the caller booked last time, when no service is known yet; the
# arguments are booking-service's.
booking-suggest = Would you like { booking-service-a } again?

## Memory

# The caller asked to be forgotten (tag memory.forget) and everything remembered is erased.
memory-forgotten = Done: I have forgotten everything I remembered about you.
# The memory store failed or did not answer in time, so nothing was erased.
memory-unavailable = Sorry, I can't reach what I remember right now, so nothing was erased. Please try again in a moment.

## The server's own fallbacks

# A handler failed or panicked.
fallback-failure = Sorry, something went wrong on our side. Please try again in a moment.
# A call ran out of time before the agent's webhook timeout.
fallback-deadline = Sorry, that is taking longer than it should. Please try again in a moment.
# No handler serves the call's tag, or the call has none.
fallback-unknown-tag = Sorry, I can't help with that right now.
