"""Synthetic people for the matching figures: real given names and surnames of the communities the service
meets (West African, North African and Arabic, South Asian, Eastern European, Chinese), in the spellings found
on Italian papers, and the spelling variants of the same name that different transliterations produce.

Nothing here is a person: names are drawn at random and paired at random (seeded, so the figures repeat).
"""

from __future__ import annotations

import random
import string

GIVEN = """
Blessing Joy Precious Favour Mercy Gift Peace Happiness Success Faith Esther Grace Patience Comfort Loveth Osasu
Osazee Efe Ese Eghosa Ivie Itohan Nosa Omoruyi Uyi Osaro Ehis Oghogho Ifeoma Chiamaka Chinonso Ngozi Adaeze
Nkechi Obiageli Uchenna Chidinma Amarachi Oluwaseun Olufunke Folasade Omolara Temitope Adebola Yetunde Bukola
Abimbola Funmilayo Kehinde Aisha Fatima Hauwa Zainab Hadiza Amina Khadija Maryam Akosua Abena Efua Adwoa Afua
Yaa Ama Akua Kwame Kofi Aminata Mariama Fatoumata Awa Ndeye Khady Rokhaya Coumba Aissatou Oumou Mamadou Ibrahima
Ousmane Moussa Seydou Boubacar Mohammed Ahmed Youssef Karim Rachid Hassan Hussein Omar Khalid Samira Nadia Leila
Salma Naima Houda Soukaina Imane Meriem Sanaa Priya Lakshmi Sunita Anjali Pooja Deepika Kavita Nasreen Shabnam
Farzana Rukhsana Tahmina Rahima Sultana Nusrat Shirin Parveen Reshma Rajesh Sandeep Gurpreet Harjit Manpreet
Raju Sohail Imran Bilal Tariq Asif Irina Oksana Natalia Svetlana Tatiana Olena Mihaela Ioana Andreea Florentina
Elena Daniela Gabriela Roxana Valentina Anisa Ermira Blerina Xhensila Lindita Mei Ling Xiu Yan Hui Fang Jing
Wei Lan Hong
""".split()

FAMILY = """
Osagie Osaghae Igbinosa Ogbeide Aigbe Erhabor Ehigiator Idahosa Obasuyi Omoregie Osayande Uwaifo Iyamu Eweka
Okafor Okonkwo Nwosu Eze Obi Nwachukwu Okeke Onyekachi Chukwu Nnamdi Ugwu Okoro Anyanwu Ibekwe Adeyemi Adebayo
Ogunleye Oladipo Afolabi Bankole Olawale Ajayi Balogun Fashola Oyelaran Bello Abubakar Usman Danjuma Garba Lawal
Musa Suleiman Yakubu Mensah Owusu Boateng Asante Appiah Osei Agyeman Darko Amponsah Ofori Diallo Traore Coulibaly
Kone Keita Camara Sow Ba Diop Ndiaye Fall Sarr Gueye Cisse Toure Sylla Kante Bangura Kamara Sesay Conteh Jalloh
Benali Bouazza Haddad Mansouri Belkacem Cherif Amrani Tazi Berrada Alaoui Idrissi Fassi Bennani Saidi Trabelsi
Jaziri Gharbi Hamdi Khalil Nasser Mahmoud Farouk Rahman Hossain Islam Chowdhury Begum Khatun Akter Uddin Sarkar
Mondal Biswas Das Sharma Verma Gupta Singh Kaur Patel Shah Mehta Iyer Nair Reddy Rao Malik Qureshi Siddiqui Butt
Chaudhry Raza Javed Popescu Ionescu Dumitru Stan Gheorghe Munteanu Constantin Marin Tudor Petrenko Shevchenko
Kovalenko Bondarenko Melnyk Ivanova Petrova Hoxha Shehu Gashi Krasniqi Berisha Kola Dervishi Zhang Wang Chen Liu
Huang Zhao Zhou
""".split()

# The same name as different transliterations (or registry offices) write it: (one way, another way).
TRANSLITERATIONS = [
    ("Mohammed", "Muhammad"),
    ("Mohammed", "Mohamed"),
    ("Mohammed", "Mohamad"),
    ("Muhammad", "Mouhamed"),
    ("Ahmed", "Ahmad"),
    ("Youssef", "Yusuf"),
    ("Youssef", "Yousef"),
    ("Hussein", "Husain"),
    ("Hussein", "Hossein"),
    ("Hassan", "Hasan"),
    ("Omar", "Umar"),
    ("Khalid", "Khaled"),
    ("Karim", "Kareem"),
    ("Rachid", "Rashid"),
    ("Fatima", "Fatimah"),
    ("Fatima", "Fatma"),
    ("Aisha", "Ayesha"),
    ("Aisha", "Aicha"),
    ("Khadija", "Khadidja"),
    ("Khadija", "Kadija"),
    ("Maryam", "Mariam"),
    ("Zainab", "Zeinab"),
    ("Leila", "Layla"),
    ("Nadia", "Nadiya"),
    ("Meriem", "Maryem"),
    ("Houda", "Huda"),
    ("Imane", "Iman"),
    ("Salma", "Selma"),
    ("Samira", "Sameera"),
    ("Naima", "Naeema"),
    ("Soukaina", "Sukaina"),
    ("Sanaa", "Sana"),
    ("Osasu", "Osazu"),
    ("Osazee", "Osaze"),
    ("Eghosa", "Egosa"),
    ("Omoruyi", "Omoruyie"),
    ("Itohan", "Itoan"),
    ("Oghogho", "Ogogo"),
    ("Ehis", "Ehiz"),
    ("Oluwaseun", "Oluwasheun"),
    ("Olufunke", "Olufunké"),
    ("Folasade", "Folashade"),
    ("Temitope", "Temitopé"),
    ("Chidinma", "Chidimma"),
    ("Adaeze", "Adaezé"),
    ("Obiageli", "Obiagelli"),
    ("Uchenna", "Uchena"),
    ("Ngozi", "Ngozie"),
    ("Nkechi", "Nkechy"),
    ("Abimbola", "Abimbolla"),
    ("Funmilayo", "Funmilayò"),
    ("Yetunde", "Yetundé"),
    ("Akosua", "Akossua"),
    ("Efua", "Effua"),
    ("Adwoa", "Adjoa"),
    ("Kwame", "Kouame"),
    ("Kofi", "Koffi"),
    ("Yaa", "Ya"),
    ("Aminata", "Aminatta"),
    ("Mariama", "Mariame"),
    ("Fatoumata", "Fatumata"),
    ("Aissatou", "Aissatu"),
    ("Oumou", "Umu"),
    ("Mamadou", "Mamadu"),
    ("Ibrahima", "Ibrahim"),
    ("Ousmane", "Usman"),
    ("Ousmane", "Osman"),
    ("Moussa", "Musa"),
    ("Seydou", "Seidu"),
    ("Boubacar", "Bubakar"),
    ("Ndeye", "Ndey"),
    ("Khady", "Khadi"),
    ("Rokhaya", "Rokaya"),
    ("Coumba", "Kumba"),
    ("Priya", "Pria"),
    ("Lakshmi", "Laxmi"),
    ("Sunita", "Suneeta"),
    ("Anjali", "Anjalee"),
    ("Pooja", "Puja"),
    ("Deepika", "Dipika"),
    ("Kavita", "Kavitha"),
    ("Nasreen", "Nasrin"),
    ("Shabnam", "Shabnum"),
    ("Farzana", "Farzanah"),
    ("Rukhsana", "Ruksana"),
    ("Tahmina", "Tahmeena"),
    ("Rahima", "Raheema"),
    ("Nusrat", "Nosrat"),
    ("Shirin", "Shireen"),
    ("Parveen", "Parvin"),
    ("Reshma", "Rashma"),
    ("Gurpreet", "Gurprit"),
    ("Manpreet", "Manprit"),
    ("Sohail", "Suhail"),
    ("Imran", "Emran"),
    ("Bilal", "Belal"),
    ("Tariq", "Tarik"),
    ("Asif", "Aasif"),
    ("Okonkwo", "Okonkow"),
    ("Nwachukwu", "Nwachuku"),
    ("Chukwu", "Chuku"),
    ("Adeyemi", "Adeyemy"),
    ("Ogunleye", "Ogunlèye"),
    ("Abubakar", "Aboubakar"),
    ("Usman", "Ousman"),
    ("Suleiman", "Sulaiman"),
    ("Suleiman", "Souleymane"),
    ("Yakubu", "Yacoubou"),
    ("Osei", "Osey"),
    ("Diallo", "Dialo"),
    ("Traore", "Traoré"),
    ("Coulibaly", "Kulibali"),
    ("Kone", "Koné"),
    ("Keita", "Keyta"),
    ("Camara", "Kamara"),
    ("Cisse", "Sissé"),
    ("Toure", "Touré"),
    ("Diop", "Jop"),
    ("Ndiaye", "Njaye"),
    ("Gueye", "Gaye"),
    ("Bangura", "Bangoura"),
    ("Sesay", "Sissay"),
    ("Conteh", "Konte"),
    ("Belkacem", "Belgacem"),
    ("Cherif", "Sharif"),
    ("Haddad", "Hadad"),
    ("Mansouri", "Mansuri"),
    ("Alaoui", "Alawi"),
    ("Idrissi", "Idrisi"),
    ("Saidi", "Saeedi"),
    ("Trabelsi", "Trabelssi"),
    ("Mahmoud", "Mahmud"),
    ("Farouk", "Faruq"),
    ("Nasser", "Nasir"),
    ("Khalil", "Kalil"),
    ("Rahman", "Rehman"),
    ("Hossain", "Hussain"),
    ("Chowdhury", "Choudhury"),
    ("Chowdhury", "Chaudhry"),
    ("Begum", "Begom"),
    ("Khatun", "Khatoon"),
    ("Akter", "Akhter"),
    ("Uddin", "Udin"),
    ("Qureshi", "Kureshi"),
    ("Siddiqui", "Siddiqi"),
    ("Sharma", "Sarma"),
    ("Mondal", "Mandal"),
    ("Petrenko", "Petrenco"),
    ("Shevchenko", "Chevtchenko"),
    ("Kovalenko", "Kowalenko"),
    ("Melnyk", "Melnik"),
    ("Svetlana", "Swetlana"),
    ("Tatiana", "Tatyana"),
    ("Natalia", "Natalya"),
    ("Oksana", "Oxana"),
    ("Xhensila", "Xhenssila"),
    ("Krasniqi", "Krasniki"),
    ("Hoxha", "Hoxa"),
    ("Zhang", "Chang"),
    ("Zhou", "Chou"),
    ("Xiu", "Hsiu"),
]


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: a letter missing, doubled, changed, or two swapped."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)  # the first letter is seldom mistyped
    how = rng.choice(["drop", "double", "change", "swap"])
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "double":
        return word[:i] + word[i] + word[i:]
    if how == "change":
        return word[:i] + rng.choice([c for c in string.ascii_lowercase if c != word[i].lower()]) + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def distinct_people(n: int, rng: random.Random) -> list[tuple[str, str, int | None]]:
    """``n`` people with distinct (given name, surname); one in ten with no year of birth."""
    seen, people = set(), []
    while len(people) < n:
        first, last = rng.choice(GIVEN), rng.choice(FAMILY)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        people.append((first, last, None if rng.random() < 0.1 else rng.randint(1975, 2009)))
    return people


def variant_pairs(rng: random.Random) -> list[tuple[str, tuple[str, str, int | None], tuple[str, str, int | None]]]:
    """(what changed, the person recorded, the same person as given again) — 260 pairs, 40 of each way."""
    variants = {w for pair in TRANSLITERATIONS for w in pair}
    spelled = {}
    for a, b in TRANSLITERATIONS:
        spelled.setdefault(a, []).append(b)
        spelled.setdefault(b, []).append(a)
    names_with_variants = sorted(variants)
    pairs = []

    def base(first=None, last=None):
        year = rng.randint(1975, 2009)
        return (first or rng.choice(GIVEN), last or rng.choice(FAMILY), year)

    for _ in range(60):  # transliteration of a given name or a surname
        name = rng.choice(names_with_variants)
        other = rng.choice(spelled[name])
        if name in FAMILY or other in FAMILY:
            recorded = base(last=name)
            pairs.append(("transliteration", recorded, (recorded[0], other, recorded[2])))
        else:
            recorded = base(first=name)
            pairs.append(("transliteration", recorded, (other, recorded[1], recorded[2])))
    for _ in range(40):  # a typo in the given name
        recorded = base()
        pairs.append(("typo in the given name", recorded, (typo(recorded[0], rng), recorded[1], recorded[2])))
    for _ in range(40):  # a typo in the surname
        recorded = base()
        pairs.append(("typo in the surname", recorded, (recorded[0], typo(recorded[1], rng), recorded[2])))
    for _ in range(40):  # given name and surname swapped (as papers of different countries order them)
        recorded = base()
        pairs.append(("swapped", recorded, (recorded[1], recorded[0], recorded[2])))
    for _ in range(40):  # year of birth missing on one side
        recorded = base()
        pairs.append(("year missing", recorded, (recorded[0], recorded[1], None)))
    for _ in range(40):  # year one off, and a typo or a transliteration besides
        name = rng.choice(names_with_variants)
        if name in FAMILY:
            recorded = base(last=name)
            again = (typo(recorded[0], rng), rng.choice(spelled[name]), recorded[2] + rng.choice([-1, 1]))
        else:
            recorded = base(first=name)
            again = (rng.choice(spelled[name]), recorded[1], recorded[2] + rng.choice([-1, 1]))
        pairs.append(("year ±1 and spelling", recorded, again))
    return pairs
