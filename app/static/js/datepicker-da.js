// Danish names for bootstrap-datepicker (shipped by Flask-AppBuilder without locales); the
// date fields of the screens (class dk_date) read and write dd-mm-yyyy.
(function ($) {
  if (!$ || !$.fn.datepicker) return;
  $.fn.datepicker.dates.da = {
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    daysShort: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    daysMin: ["sø", "ma", "ti", "on", "to", "fr", "lø"],
    months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december"],
    monthsShort: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                  "nov", "dec"],
    today: "I dag",
    clear: "Nulstil",
    weekStart: 1,
    format: "dd-mm-yyyy"
  };
  $(function () {
    $(".dk_date").datepicker({
      language: "da", format: "dd-mm-yyyy", weekStart: 1, autoclose: true,
      forceParse: false, calendarWeeks: true
    });
  });
})(window.jQuery);
