-- Urban construction per region and year: green coverage of the built-up area (T42), shares
-- of prefabricated, star-rated green and green new buildings (T43–T45), renewable substitution
-- in buildings (T46) and rooftop PV on new buildings (T47).
{{ indicator_mart() }}
