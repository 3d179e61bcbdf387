# The shipped English catalog: the reference every other language and every override
# file is checked against (the same message ids, the same arguments).

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
# One line of the list; $amount is signed and formatted for the caller's language.
account-transaction = { $date }: { $description }, { $amount }

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

## The server's own fallbacks

# A handler failed or panicked.
fallback-failure = Sorry, something went wrong on our side. Please try again in a moment.
# A call ran out of time before the agent's webhook timeout.
fallback-deadline = Sorry, that is taking longer than it should. Please try again in a moment.
# No handler serves the call's tag, or the call has none.
fallback-unknown-tag = Sorry, I can't help with that right now.
