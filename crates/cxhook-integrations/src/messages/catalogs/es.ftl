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
account-transaction = { $description } por { $amount } el { $date }

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
weather-remembered =
    { $conditions ->
        [none] En { $place }, como la última vez, hace { $temperature } { $temperature_unit }, con viento de { $wind_speed } { $wind_unit }.
       *[other] En { $place }, como la última vez, hace { $temperature } { $temperature_unit }, con { $conditions } y viento de { $wind_speed } { $wind_unit }.
    }

## Formas: cómo se dicen las fechas, las horas y las listas en las frases.

weekday =
    { $weekday ->
        [1] lunes
        [2] martes
        [3] miércoles
        [4] jueves
        [5] viernes
        [6] sábado
       *[7] domingo
    }
# «Cerramos los domingos.»
weekdays =
    { $weekday ->
        [1] los lunes
        [2] los martes
        [3] los miércoles
        [4] los jueves
        [5] los viernes
        [6] los sábados
       *[7] los domingos
    }
month =
    { $month ->
        [1] enero
        [2] febrero
        [3] marzo
        [4] abril
        [5] mayo
        [6] junio
        [7] julio
        [8] agosto
        [9] septiembre
        [10] octubre
        [11] noviembre
       *[12] diciembre
    }
day = { $day } de { month }
date = { weekday }, { day }
time = { $hour }:{ $minute }
list-and = { $rest } y { $last }
list-or = { $rest } o { $last }

## Reservas

# Los nombres de los servicios predeterminados; los demás, tal como están configurados.
booking-service =
    { $service ->
        [haircut] corte de pelo
        [consultation] consulta
        [massage] masaje
       *[other] { $name }
    }
booking-service-a =
    { $service ->
        [haircut] un corte de pelo
        [consultation] una consulta
        [massage] un masaje
       *[other] { booking-service }
    }
booking-unavailable = Lo siento, ahora mismo no puedo acceder al sistema de reservas. Vuelva a intentarlo en un momento, por favor.
booking-which-service = ¿Qué servicio desea?
booking-not-offered =
    { $sorry ->
        [yes] Lo siento, no ofrecemos «{ $said }». Puede reservar: { $services }.
       *[other] No ofrecemos «{ $said }». Puede reservar: { $services }.
    }
booking-which-date =
    { $sorry ->
        [yes] Perdone, ¿qué fecha era?
       *[other] ¿Qué fecha era?
    }
booking-which-time =
    { $sorry ->
        [yes] Perdone, ¿a qué hora era?
       *[other] ¿A qué hora era?
    }
booking-past-date = Esa fecha ya ha pasado. ¿Qué día le gustaría?
booking-out-of-range = No puedo reservar en esa fecha. ¿Qué día le gustaría?
booking-closed-day = Cerramos { weekdays }. ¿Qué otro día le viene bien?
booking-past-time = Esa hora ya ha pasado. ¿Qué hora más tarde le viene bien?
booking-outside-hours = Abrimos { weekdays } de { $open } a { $close }. ¿Qué hora dentro de ese horario le viene bien?
booking-off-grid =
    { $minutes ->
        [one] Las citas empiezan cada minuto desde la apertura. ¿A qué hora le gustaría?
       *[other] Las citas empiezan cada { $minutes } minutos desde la apertura. ¿A qué hora le gustaría?
    }
booking-ends-after-closing =
    { $service ->
        [none] Una cita a las { $start } terminaría después de que cerremos a las { $close }. La última hora de inicio es a las { $last }.
       *[other] { booking-service-a } a las { $start } terminaría después de que cerremos a las { $close }. La última hora de inicio es a las { $last }.
    }
booking-ends-after-closing-that-day =
    { $service ->
        [none] Una cita a las { $start } terminaría después de que cerremos a las { $close }, y ese día no cabe a ninguna otra hora. ¿Qué otro día le viene bien?
       *[other] { booking-service-a } a las { $start } terminaría después de que cerremos a las { $close }, y ese día no cabe a ninguna otra hora. ¿Qué otro día le viene bien?
    }
booking-taken =
    { $sorry ->
        [yes] Lo siento, el { $date } a las { $time } ya está ocupado para { booking-service-a }. ¿Qué otra hora le viene bien?
       *[other] El { $date } a las { $time } ya está ocupado para { booking-service-a }. ¿Qué otra hora le viene bien?
    }
booking-just-taken =
    { $sorry ->
        [yes] Lo siento, esa hora (el { $date } a las { $time }) se acaba de ocupar. ¿Qué otra hora le viene bien?
       *[other] Esa hora (el { $date } a las { $time }) se acaba de ocupar. ¿Qué otra hora le viene bien?
    }
booking-available = El { $date } a las { $time } hay disponibilidad para { booking-service-a }.
# «Para reservar un corte de pelo el martes, 1 de diciembre, necesito una hora.»
booking-need =
    Para reservar { $service ->
        [none] una cita
       *[other] { booking-service-a }
    }{ $date ->
        [none] {""}
       *[other] {" "}el { $date }
    }{ $time ->
        [none] {""}
       *[other] {" "}a las { $time }
    }, necesito { $needed }.
booking-need-service = un servicio ({ $services })
booking-need-date = una fecha
booking-need-time = una hora
booking-not-offered-short = Lo siento, no ofrecemos «{ $said }».
booking-confirmed = Listo, ya tiene su cita: { booking-service } el { $date } a las { $time }. Su número de confirmación es { $confirmation }.
booking-pending = Todavía estoy confirmando su cita ({ booking-service } el { $date } a las { $time }) con nuestro sistema de citas. Su referencia es { $confirmation }; vuelva a preguntarme en un momento, por favor.
booking-no-longer-active = Esa reserva ({ $confirmation }) ya no está activa. ¿Quiere reservar de nuevo?
booking-which-to-cancel = ¿Qué reserva debo cancelar? Dígame su número de confirmación, por favor.
booking-not-found = No encuentro ninguna reserva con el número de confirmación { $said }. Compruebe el número y dígamelo de nuevo, por favor.
booking-already-cancelled = Su cita { $confirmation } ({ booking-service } el { $date } a las { $time }) ya estaba cancelada.
booking-cancel-failed = Lo siento, ahora mismo no he podido cancelar esa reserva en nuestro sistema de citas. Vuelva a intentarlo en un momento, por favor.
booking-cancelled = Su cita { $confirmation } ({ booking-service } el { $date } a las { $time }) está cancelada.
booking-suggest = ¿Le reservo otra vez { booking-service-a }?

## Memoria

memory-forgotten = Hecho: he olvidado todo lo que recordaba sobre usted.
memory-unavailable = Lo siento, ahora mismo no puedo acceder a lo que recuerdo, así que no se ha borrado nada. Vuelva a intentarlo en un momento, por favor.

## Las respuestas de reserva del servidor

fallback-failure = Lo siento, algo ha fallado por nuestra parte. Vuelva a intentarlo en un momento, por favor.
fallback-deadline = Lo siento, esto está tardando más de la cuenta. Vuelva a intentarlo en un momento, por favor.
fallback-unknown-tag = Lo siento, ahora mismo no puedo ayudarle con eso.
