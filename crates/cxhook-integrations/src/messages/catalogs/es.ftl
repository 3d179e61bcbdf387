# El catálogo español: los mismos mensajes y argumentos que en.ftl.

## Cuentas

account-unavailable = Lo siento, ahora mismo no puedo consultar los datos de su cuenta. Vuelva a intentarlo en un momento, por favor.
account-balance = El saldo de la cuenta { $user_id } es de { $balance }.
account-which = ¿De qué cuenta se trata? Dígame su identificador de usuario, por favor.
account-unknown = No encuentro ninguna cuenta con el identificador { $user_id }. Compruébelo y dígamelo de nuevo, por favor.
account-count-out-of-range = No puedo mostrar { $said } movimientos. ¿Cuántos quiere, entre 1 y { $max }?
account-count-not-understood = No he entendido «{ $said }» como un número. ¿Cuántos movimientos quiere, entre 1 y { $max }?
account-no-transactions = Todavía no hay movimientos en la cuenta { $user_id }.
account-transactions-capped =
    { $max ->
        [one] Solo puedo mostrar un movimiento cada vez.
       *[other] Puedo mostrar como máximo { $max } movimientos cada vez.
    }
account-transactions =
    { $count ->
        [one] El último movimiento de la cuenta { $user_id }:
       *[other] Los últimos { $count } movimientos de la cuenta { $user_id }:
    }
account-transaction = { $date }: { $description }, { $amount }

## Tiempo

weather-unavailable = Lo siento, ahora mismo no puedo consultar el tiempo. Vuelva a intentarlo en un momento, por favor.
weather-which-place = ¿De qué ciudad quiere saber el tiempo?
weather-unknown-place = No encuentro ningún lugar llamado { $place }. ¿A qué ciudad se refiere?
# Después de «con».
weather-conditions =
    { $code ->
        [0] cielo despejado
        [1] cielo mayormente despejado
        [2] cielo parcialmente nublado
        [3] cielo cubierto
        [45] niebla
        [48] niebla helada
        [51] llovizna ligera
        [53] llovizna
        [55] llovizna intensa
        [56] llovizna helada ligera
        [57] llovizna helada intensa
        [61] lluvia ligera
        [63] lluvia
        [65] lluvia intensa
        [66] lluvia helada ligera
        [67] lluvia helada intensa
        [71] nieve ligera
        [73] nieve
        [75] nieve intensa
        [77] nieve granulada
        [80] chubascos ligeros
        [81] chubascos
        [82] chubascos fuertes
        [85] chubascos de nieve ligeros
        [86] chubascos de nieve intensos
        [95] tormenta
        [96] tormenta con granizo ligero
        [99] tormenta con granizo fuerte
       *[other] tiempo variable
    }
weather-now =
    { $conditions ->
        [none] En { $place } hace { $temperature } { $temperature_unit }, con viento de { $wind_speed } { $wind_unit }.
       *[other] En { $place } hace { $temperature } { $temperature_unit }, con { $conditions } y viento de { $wind_speed } { $wind_unit }.
    }
# $age empieza la frase: «Hace cinco minutos…».
weather-stale =
    { $conditions ->
        [none] Ahora mismo no puedo conectar con el servicio del tiempo. { $age }, en { $place } hacía { $temperature } { $temperature_unit }, con viento de { $wind_speed } { $wind_unit }.
       *[other] Ahora mismo no puedo conectar con el servicio del tiempo. { $age }, en { $place } hacía { $temperature } { $temperature_unit }, con { $conditions } y viento de { $wind_speed } { $wind_unit }.
    }
weather-age-now = Hace menos de un minuto
weather-age-minutes =
    { $minutes ->
        [one] Hace un minuto
       *[other] Hace { $minutes } minutos
    }
weather-age-hours =
    { $hours ->
        [one] Hace una hora
       *[other] Hace { $hours } horas
    }

## Las respuestas de reserva del servidor

fallback-failure = Lo siento, algo ha fallado por nuestra parte. Vuelva a intentarlo en un momento, por favor.
fallback-deadline = Lo siento, esto está tardando más de la cuenta. Vuelva a intentarlo en un momento, por favor.
fallback-unknown-tag = Lo siento, ahora mismo no puedo ayudarle con eso.
